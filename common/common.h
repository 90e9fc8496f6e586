/*
 * common.h - plumbing shared by every step: error reporting, a stack for
 * clone(2), waiting for a child, a parent/child sync pipe, small file and
 * command helpers, and image-name resolution.
 *
 * Nothing here is a lesson. What a learner should see (clone flags, mounts,
 * pivot_root, cgroup files, capabilities, seccomp) lives in the step files.
 * Helpers that do I/O return 0 or -1 with errno set and never print, so the
 * error policy stays visible in the step that calls them.
 */
#ifndef NUTSHELL_COMMON_H
#define NUTSHELL_COMMON_H

#include <stddef.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

/* Exit statuses, as docker, env(1), chroot(1) and timeout(1) use them. */
#define EXIT_RUNTIME 125 /* the runtime itself failed (bad usage too) */
#define EXIT_CANNOT_EXEC 126 /* the command exists but cannot be run */
#define EXIT_NOT_FOUND 127 /* the command does not exist */

/* "prog: message: strerror(errno)" on stderr, then exit(EXIT_RUNTIME). */
__attribute__((noreturn, format(printf, 1, 2))) void die(const char *fmt, ...);

/* The same without strerror: for errors that are not a failed call. */
__attribute__((noreturn, format(printf, 1, 2))) void diex(const char *fmt, ...);

/* "prog: message: strerror(errno)" on stderr, and carry on: for cleanup
 * that failed, where the command's exit status matters more. */
__attribute__((format(printf, 1, 2))) void warn(const char *fmt, ...);

/* The same without strerror. */
__attribute__((format(printf, 1, 2))) void warnx(const char *fmt, ...);

/* Call after a failed execvp(3): report it and exit 127 if the command was
 * not found, 126 if it was found but could not be executed. */
__attribute__((noreturn)) void die_exec(const char *cmd);

/* "prog: => message" on stderr when NUTSHELL_VERBOSE is set: narration. */
__attribute__((format(printf, 1, 2))) void note(const char *fmt, ...);

/* mmap(2) a stack of size bytes for clone(2), with one more page below it
 * that may not be touched (PROT_NONE), so that overflowing the stack is
 * always a SIGSEGV rather than a write into whatever is mapped there.
 * Returns its top, the bottom plus size (stacks grow down on every
 * architecture Linux containers run on), or NULL with errno set. */
void *alloc_stack(size_t size);

/* waitpid(2) for pid, retrying on EINTR. Returns the child's exit code, or
 * 128 + N if signal N killed it, or -1 with errno set. */
int wait_child(pid_t pid);

/* The sync pipe: the child blocks in sync_wait() until the parent, having
 * prepared things only it can do, calls sync_release(). Each side closes the
 * end it does not use. 0 or -1 with errno set. */
int sync_init(int fds[2]);
int sync_wait(int fds[2]);
int sync_release(int fds[2]);

/* Write a formatted string to an existing file (a /proc or cgroup file),
 * in a single write(2). 0 or -1 with errno set. */
__attribute__((format(printf, 2, 3))) int write_file(const char *path,
						     const char *fmt, ...);

/* Create (or truncate) a file with mode and write a formatted string to
 * it in a single write(2). 0 or -1 with errno set. */
__attribute__((format(printf, 3, 4))) int
create_file(const char *path, mode_t mode, const char *fmt, ...);

/* Format a path into buf, which holds PATH_MAX bytes. 0, or -1 with
 * errno ENAMETOOLONG if it does not fit. */
__attribute__((format(printf, 2, 3))) int pathf(char *buf, const char *fmt,
						...);

/* Open path, made if missing (mode 0600), and lock it with flock(2), without
 * waiting. Returns the descriptor (close-on-exec; closing it unlocks), or -1
 * with errno EWOULDBLOCK if another holds the lock, or ESTALE if the file was
 * removed or replaced as we locked it: a lock no one else will look at. */
int lock_file(const char *path);

/* mkdir(2) that treats an existing directory as success. 0 or -1. */
int ensure_dir(const char *path, mode_t mode);

/* Format a shell command, run it with /bin/sh -c, return its exit status
 * (128 + N for a signal), or -1 with errno set if it could not be run or
 * would be truncated. Only ever pass it strings the program built itself
 * (numbers, generated names), never text a user typed. */
__attribute__((format(printf, 1, 2))) int systemf(const char *fmt, ...);

/* Parse a size as docker reads -m: a whole number of bytes with an
 * optional unit k, m or g (powers of 1024), optionally followed by b
 * ("64m", "1g", "512kb", "1048576"). 0 or -1 with errno EINVAL (not a
 * size) or ERANGE (does not fit in a long long). */
int parse_size(const char *s, long long *bytes);

/* Parse a whole number, optionally negative ("20", "-1"). 0 or -1 with
 * errno EINVAL or ERANGE. */
int parse_count(const char *s, long long *n);

/* Parse a decimal number that is not negative ("1.5", "0.25", "2") and
 * return it multiplied by scale, rounded to the nearest whole number:
 * parse_decimal("0.5", 100000, &v) gives 50000, with no floating point
 * rounding on the way. 0 or -1 with errno EINVAL or ERANGE. */
int parse_decimal(const char *s, long long scale, long long *value);

/* Parse an IPv4 network, "10.219.0.0/16": its first address and the
 * length of its prefix, from 8 to 30; the bits after the prefix must be
 * 0. 0 or -1 with errno EINVAL. */
int parse_cidr(const char *s, struct in_addr *network, int *prefix);

/* Parse a port mapping as docker's -p reads it, "8080:80" or "53:53/udp":
 * two ports from 1 to 65535 and a protocol, tcp (the default) or udp,
 * copied to proto (4 bytes). 0 or -1 with errno EINVAL. */
int parse_ports(const char *s, unsigned int *host, unsigned int *port,
		char *proto);

/* 1 if name is a hostname in RFC 1123's form, which resolvers and
 * /etc/hosts expect: labels of letters, digits and "-", split by dots,
 * none empty, none longer than 63 characters or starting or ending with
 * "-"; 64 characters in all, the kernel's HOST_NAME_MAX. 0 if not: a
 * newline, say, which would add a line to /etc/hosts. */
int valid_hostname(const char *name);

/* getenv(name), or fallback when it is unset or empty. */
const char *getenv_or(const char *name, const char *fallback);

/* Call when getopt_long() returned '?' or ':' (with opterr = 0 and a ':'
 * first in the option string, after any '+'): one line naming the option
 * and what is wrong with it, then exit(EXIT_RUNTIME). */
__attribute__((noreturn)) void die_option(int opt, char **argv);

/* Run a program with the arguments in argv (NULL-terminated), searched
 * for in PATH, without a shell: arguments are never parsed again, so they
 * may hold anything. With quiet, its stdout and stderr go to /dev/null.
 * Returns its exit status (127 if it could not be run, 128 + N for a
 * signal), or -1 with errno set if no process could be made. */
int runv(const char *const argv[], int quiet);

/*
 * Netlink: how ip(8) talks to the kernel, and how the steps that set up a
 * network do (rtnetlink(7), netlink(7)). A request is a struct nlmsghdr,
 * a family header (struct ifinfomsg, ifaddrmsg, rtmsg) and attributes,
 * some nested in others. These helpers only do the byte layout: which
 * message, header and attributes to send is the lesson, in the step.
 */
struct nl_request {
	union {
		struct nlmsghdr hdr;
		char buf[2048];
	};
	int full; /* an attribute did not fit: nl_send() fails, E2BIG */
};

/* Start a request: TYPE (RTM_NEWLINK...), FLAGS on top of NLM_F_REQUEST
 * and NLM_F_ACK, then the family header FAMILY of LEN bytes. */
void nl_init(struct nl_request *req, int type, int flags, const void *family,
	     size_t len);

/* Append an attribute: a string (with its NUL), a 32-bit number, bytes. */
void nl_add_str(struct nl_request *req, int type, const char *value);
void nl_add_u32(struct nl_request *req, int type, unsigned int value);
void nl_add(struct nl_request *req, int type, const void *data, size_t len);

/* Append bytes that are not an attribute: the family header that starts
 * the payload of some nested attributes (VETH_INFO_PEER). */
void nl_put(struct nl_request *req, const void *data, size_t len);

/* Open an attribute that holds attributes; nl_end() closes it. */
struct rtattr *nl_begin(struct nl_request *req, int type);
void nl_end(struct nl_request *req, struct rtattr *nest);

/* Send the request on a NETLINK_ROUTE socket and read the kernel's answer:
 * 0, or -1 with errno set to the error the kernel reported. */
int nl_send(int fd, struct nl_request *req);

/* Fill buf with n random hexadecimal digits from getrandom(2) and a NUL
 * (buf holds n + 1 bytes; n at most 120): container ids. 0 or -1. */
int random_hex(char *buf, size_t n);

/* Replace path with a file of mode holding a formatted text, atomically:
 * the text goes to a temporary file beside it, which rename(2) puts in
 * its place. A reader sees the old file or the new one, never half of
 * one, however long the text. 0 or -1. */
__attribute__((format(printf, 3, 4))) int
replace_file(const char *path, mode_t mode, const char *fmt, ...);

/*
 * State files: "key=value" lines, each key one of a set the caller names
 * (keys, NULL-ended) and given once. A value is any text, made safe by
 * escape_value() before it is written: a backslash and every control byte
 * (below 0x20, and 0x7f) become \\, \n, \r, \t or \xHH, so no value can
 * end its line or start a key of its own.
 */

/* The escaped copy of s, malloc'd; NULL if out of memory. */
char *escape_value(const char *s);

/* The value of key, unescaped, into value (size bytes). The whole file is
 * read, and accepted only if every line is "key=value" with a key of
 * keys, none twice, a well escaped value and a newline at the end: else
 * -1 with errno EBADMSG. Also -1 with ENODATA (no such key), ERANGE (too
 * long for value), or the errno of fopen(3). */
int read_key(const char *path, const char *const keys[], const char *key,
	     char *value, size_t size);

/* rm -rf path, at any depth with at most three descriptors open (back up
 * by "..", checked to be the directory it came from: ESTALE if not), not
 * following symlinks and not entering anything mounted below it, bind
 * mounts included (then it fails, EBUSY, and removes the rest). 0 or -1,
 * with the errno of the first failure. */
int remove_tree(const char *path);

/* remove_tree() of the directory path, its entry last (a file) after every
 * other: a container's state file, so that an rm cut short leaves a
 * container that can be named and removed again. 0 or -1. */
int remove_tree_last(const char *path, const char *last);

/*
 * Paths inside a tree that is not the runtime's own, an image or a
 * container's root, while the host's "/" is still ours: a symlink in the
 * tree must not lead out of it. open_in_root() is openat(2) of path in
 * the directory root as if root were "/" (openat2(2) RESOLVE_IN_ROOT,
 * Linux 5.6): absolute symlinks and ".." stay inside, and no /proc magic
 * link is followed. make_dirs_in() is mkdir -p of path below root that
 * follows no symlink at all (ELOOP if one is on the way, ENOTDIR for
 * another file), each missing directory made with mode. Both return a
 * descriptor (an O_PATH one from make_dirs_in()), or -1 with errno set.
 */
int open_in_root(int root, const char *path, int flags, mode_t mode);
int make_dirs_in(int root, const char *path, mode_t mode);

/* 1 if a tar member's name stays inside the directory it is unpacked in:
 * not absolute, not empty, no ".." component. 0 if not. */
int safe_member(const char *name);

/* List the members of tarball with tar -tf: 0 if every one is safe; -1
 * with errno EINVAL and the first unsafe name in bad (size bytes), or EIO
 * and tar's failure in bad if tar could not read it. */
int check_tar(const char *tarball, char *bad, size_t size);

/* <repo>/name, where <repo> is the parent of the directory that holds
 * this program (bin/NN-name -> bin/.. -> the repository). malloc'd, or
 * NULL with errno set. */
char *repo_path(const char *name);

/* ROOTFS argument -> directory. A name without a slash is an image under
 * the repository's images/ directory ("busybox" -> <repo>/images/busybox),
 * found from /proc/self/exe so it works from any working directory; any
 * argument with a slash is a path and is used as it is. Returns a malloc'd
 * path to an existing directory, or NULL with errno set (ENOENT, ENOTDIR). */
char *resolve_rootfs(const char *arg);

/* Call after resolve_rootfs(arg) failed: one line on stderr that says what
 * was tried (for an image name, the path under images/, and the ./NAME to
 * type when NAME is a directory here), then exit(EXIT_RUNTIME). */
__attribute__((noreturn)) void die_rootfs(const char *arg);

#endif
