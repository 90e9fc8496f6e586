/*
 * common.c - the plumbing declared in common.h. See there for the contract
 * of each helper.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/openat2.h>

#include "common.h"

/*
 * The failures a learner meets most, told by how the message starts and by
 * errno: each gets one more line with its likely cause, pointing at the row
 * of docs/troubleshooting.md that explains it and how to fix it.
 */
static const struct {
	const char *start;
	int err;
	const char *within; /* and holds this, if not NULL */
	const char *cause;
} hints[] = {
	{"clone", EPERM, NULL, "no CAP_SYS_ADMIN: inside a container?"},
	{"unshare CLONE_NEWCGROUP", EPERM, NULL,
	 "no CAP_SYS_ADMIN: inside a container?"},
	{"pivot_root", EINVAL, NULL,
	 "`/` is shared, or the image is not a mount"},
	{"pivot_root", EBUSY, NULL, "the image is `/` itself"},
	{"mount `proc`", EPERM, NULL,
	 "proc is mounted after the old root went"},
	{"enable ", ENOENT, "/sys/fs/cgroup", "a cgroup controller is missing"},
	{"write ", ENOENT, "/sys/fs/cgroup", "a cgroup controller is missing"},
	{"rmdir", EBUSY, NULL, "a process still runs in the cgroup"},
	{"mount `overlay`", EBUSY, NULL,
	 "another overlay uses its upper or work directory"},
};

static void hint(const char *msg, int err)
{
	size_t i;

	for (i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
		if (err == hints[i].err &&
		    strncmp(msg, hints[i].start, strlen(hints[i].start)) == 0 &&
		    (!hints[i].within || strstr(msg, hints[i].within))) {
			fprintf(stderr,
				"%s: hint: %s (see docs/troubleshooting.md)\n",
				program_invocation_short_name, hints[i].cause);
			return;
		}
}

static char *escape(const char *s, int backslash);

/*
 * One message, one line, one write(): stderr is unbuffered, and glibc
 * writes each fprintf() call on such a stream at once. Messages from
 * runtimes and containers running side by side then do not interleave.
 */
static void vreport(const char *prefix, const char *fmt, va_list ap, int err)
{
	char *msg, *line = NULL;

	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	/* a newline in what the user typed must not start a line here */
	if (msg != NULL)
		line = escape(msg, 0);
	fprintf(stderr, "%s: %s%s%s%s\n", program_invocation_short_name, prefix,
		line ? line : fmt, err ? ": " : "", err ? strerror(err) : "");
	hint(msg ? msg : fmt, err);
	free(line);
	free(msg);
}

void die(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vreport("", fmt, ap, err);
	va_end(ap);
	exit(EXIT_RUNTIME);
}

void diex(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("", fmt, ap, 0);
	va_end(ap);
	exit(EXIT_RUNTIME);
}

void warn(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vreport("", fmt, ap, err);
	va_end(ap);
	errno = err;
}

void warnx(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vreport("", fmt, ap, 0);
	va_end(ap);
	errno = err;
}

/* Does cmd name a file, as execvp(3) looks for it: on $PATH if it has no
 * slash, or "/bin:/usr/bin" without $PATH? */
static int on_path(const char *cmd)
{
	const char *path = getenv("PATH"), *dir, *end;
	char file[PATH_MAX];

	if (strchr(cmd, '/'))
		return access(cmd, F_OK) == 0;
	for (dir = path ? path : "/bin:/usr/bin"; *dir; dir = end + !!*end) {
		end = strchrnul(dir, ':');
		if (snprintf(file, sizeof(file), "%.*s/%s", (int)(end - dir),
			     end == dir ? "." : dir, cmd) < (int)sizeof(file) &&
		    access(file, F_OK) == 0)
			return 1;
	}
	return 0;
}

void die_exec(const char *cmd)
{
	int err = errno;
	char *line = escape(cmd, 0);

	fprintf(stderr, "%s: exec `%s`: %s\n", program_invocation_short_name,
		line ? line : cmd, strerror(err));
	if (err == ENOENT && on_path(cmd))
		fprintf(stderr,
			"%s: hint: `%s` is there, its loader or interpreter "
			"is not (see docs/troubleshooting.md)\n",
			program_invocation_short_name, line ? line : cmd);
	exit(err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
}

void note(const char *fmt, ...)
{
	va_list ap;

	if (getenv("NUTSHELL_VERBOSE") == NULL)
		return;
	va_start(ap, fmt);
	vreport("=> ", fmt, ap, 0);
	va_end(ap);
}

void *alloc_stack(size_t size)
{
	size_t page = sysconf(_SC_PAGESIZE);
	char *map;

	/* the kernel rounds the length up to whole pages */
	map = mmap(NULL, page + size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (map == MAP_FAILED)
		return NULL;
	/* the guard page: the lowest one, towards which the stack grows */
	if (mprotect(map, page, PROT_NONE) == -1) {
		int err = errno;

		munmap(map, page + size);
		errno = err;
		return NULL;
	}
	return map + page + size;
}

int wait_child(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int sync_init(int fds[2])
{
	return pipe2(fds, O_CLOEXEC);
}

int sync_wait(int fds[2])
{
	char c;
	ssize_t n;

	if (close(fds[1]) == -1)
		return -1;
	do
		n = read(fds[0], &c, 1);
	while (n == -1 && errno == EINTR);
	if (n == -1)
		return -1;
	if (close(fds[0]) == -1)
		return -1;
	/* EOF without a byte: the parent died or gave up before releasing. */
	if (n == 0) {
		errno = EPIPE;
		return -1;
	}
	return 0;
}

int sync_release(int fds[2])
{
	if (close(fds[0]) == -1)
		return -1;
	if (write(fds[1], "x", 1) != 1)
		return -1;
	return close(fds[1]);
}

int write_file(const char *path, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int len, fd, saved;
	ssize_t n;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	n = write(fd, buf, len);
	saved = errno;
	if (close(fd) == -1 && n == len)
		return -1;
	errno = saved;
	if (n != len) {
		if (n >= 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

int create_file(const char *path, mode_t mode, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int len, fd, saved;
	ssize_t n;

	va_start(ap, fmt);
	len = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd == -1)
		return -1;
	n = write(fd, buf, len);
	saved = errno;
	if (close(fd) == -1 && n == len)
		return -1;
	errno = saved;
	if (n != len) {
		if (n >= 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

int pathf(char *buf, const char *fmt, ...)
{
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
	if (len < 0 || len >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int lock_file(const char *path)
{
	struct stat held, named;
	int fd, err;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &held) == 0) {
		/* the holder may have removed the file just before it let go */
		if (stat(path, &named) == 0 && named.st_ino == held.st_ino &&
		    named.st_dev == held.st_dev)
			return fd;
		errno = ESTALE;
	}
	err = errno;
	close(fd);
	errno = err;
	return -1;
}

int ensure_dir(const char *path, mode_t mode)
{
	struct stat st;

	if (mkdir(path, mode) == 0)
		return 0;
	if (errno != EEXIST)
		return -1;
	if (stat(path, &st) == -1)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

int systemf(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int len, status;

	va_start(ap, fmt);
	len = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(cmd)) {
		errno = E2BIG;
		return -1;
	}
	fflush(NULL);
	status = system(cmd);
	if (status == -1)
		return -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

/*
 * The number parsers share one scanner: one or more decimal digits at *p,
 * no sign, no spaces, moved past; -1 with errno set if there is no digit
 * (EINVAL) or the number does not fit (ERANGE).
 */
static int scan_digits(const char **p, long long *n)
{
	const char *s = *p;

	if (!isdigit((unsigned char)*s)) {
		errno = EINVAL;
		return -1;
	}
	for (*n = 0; isdigit((unsigned char)*s); s++) {
		if (*n > (LLONG_MAX - (*s - '0')) / 10) {
			errno = ERANGE;
			return -1;
		}
		*n = *n * 10 + (*s - '0');
	}
	*p = s;
	return 0;
}

static int at_end(const char *s)
{
	if (*s != '\0') {
		errno = EINVAL;
		return 0;
	}
	return 1;
}

int parse_size(const char *s, long long *bytes)
{
	const char *units = "kmg", *unit;
	long long n;
	int shift = 0;

	if (scan_digits(&s, &n) == -1)
		return -1;
	if (*s != '\0' &&
	    (unit = strchr(units, tolower((unsigned char)*s))) != NULL) {
		shift = 10 * (unit - units + 1);
		s++;
	}
	if (tolower((unsigned char)*s) == 'b')
		s++;
	if (!at_end(s))
		return -1;
	if (n > (LLONG_MAX >> shift)) {
		errno = ERANGE;
		return -1;
	}
	*bytes = n << shift;
	return 0;
}

int parse_count(const char *s, long long *n)
{
	int negative = *s == '-';

	s += negative;
	if (scan_digits(&s, n) == -1 || !at_end(s))
		return -1;
	if (negative)
		*n = -*n;
	return 0;
}

int parse_decimal(const char *s, long long scale, long long *value)
{
	long long whole, frac = 0, den = 1;

	if (scan_digits(&s, &whole) == -1)
		return -1;
	if (*s == '.') {
		/* nine decimals are kept; later ones cannot matter here */
		for (s++; isdigit((unsigned char)*s); s++)
			if (den < 1000000000) {
				frac = frac * 10 + (*s - '0');
				den *= 10;
			}
		if (den == 1) { /* "1." has no decimals */
			errno = EINVAL;
			return -1;
		}
	}
	if (!at_end(s))
		return -1;
	if (scale <= 0 || scale > 1000000000 || whole > LLONG_MAX / scale - 1) {
		errno = ERANGE;
		return -1;
	}
	*value = whole * scale + (frac * scale + den / 2) / den;
	return 0;
}

int runv(const char *const argv[], int quiet)
{
	pid_t pid;
	int null;

	fflush(NULL);
	pid = fork();
	if (pid == -1)
		return -1;
	if (pid == 0) {
		if (quiet) {
			null = open("/dev/null", O_WRONLY);
			if (null == -1 || dup2(null, 1) == -1 ||
			    dup2(null, 2) == -1)
				_exit(127);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	return wait_child(pid);
}

void nl_init(struct nl_request *req, int type, int flags, const void *family,
	     size_t len)
{
	memset(req, 0, sizeof(*req));
	req->hdr.nlmsg_len = NLMSG_LENGTH(0);
	req->hdr.nlmsg_type = type;
	req->hdr.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nl_put(req, family, len);
}

void nl_put(struct nl_request *req, const void *data, size_t len)
{
	size_t at = NLMSG_ALIGN(req->hdr.nlmsg_len);

	if (at + NLMSG_ALIGN(len) > sizeof(req->buf)) {
		req->full = 1;
		return;
	}
	memcpy(req->buf + at, data, len);
	req->hdr.nlmsg_len = at + NLMSG_ALIGN(len);
}

void nl_add(struct nl_request *req, int type, const void *data, size_t len)
{
	struct rtattr *rta = nl_begin(req, type);

	if (rta == NULL)
		return;
	nl_put(req, data, len);
	nl_end(req, rta);
	/* the attribute's length counts its data, not the padding after it */
	rta->rta_len = RTA_LENGTH(len);
}

void nl_add_str(struct nl_request *req, int type, const char *value)
{
	nl_add(req, type, value, strlen(value) + 1);
}

void nl_add_u32(struct nl_request *req, int type, unsigned int value)
{
	nl_add(req, type, &value, sizeof(value));
}

struct rtattr *nl_begin(struct nl_request *req, int type)
{
	size_t at = NLMSG_ALIGN(req->hdr.nlmsg_len);
	struct rtattr *rta = (struct rtattr *)(req->buf + at);

	if (at + RTA_LENGTH(0) > sizeof(req->buf)) {
		req->full = 1;
		return NULL;
	}
	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(0);
	req->hdr.nlmsg_len = at + RTA_LENGTH(0);
	return rta;
}

void nl_end(struct nl_request *req, struct rtattr *nest)
{
	if (nest != NULL)
		nest->rta_len = req->buf + req->hdr.nlmsg_len - (char *)nest;
}

int nl_send(int fd, struct nl_request *req)
{
	static unsigned int seq;
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	char answer[4096];
	struct nlmsghdr *msg;
	struct nlmsgerr *err;
	ssize_t n;

	if (req->full) {
		errno = E2BIG;
		return -1;
	}
	req->hdr.nlmsg_seq = ++seq;
	if (sendto(fd, req->buf, req->hdr.nlmsg_len, 0,
		   (struct sockaddr *)&kernel, sizeof(kernel)) == -1)
		return -1;
	for (;;) {
		n = recv(fd, answer, sizeof(answer), 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		for (msg = (struct nlmsghdr *)answer; NLMSG_OK(msg, n);
		     msg = NLMSG_NEXT(msg, n)) {
			if (msg->nlmsg_seq != seq ||
			    msg->nlmsg_type != NLMSG_ERROR)
				continue;
			/* the acknowledgement: an "error" of 0 */
			err = NLMSG_DATA(msg);
			if (err->error == 0)
				return 0;
			errno = -err->error;
			return -1;
		}
	}
}

/* The parsers' way to fail. */
static int invalid(void)
{
	errno = EINVAL;
	return -1;
}

int parse_cidr(const char *s, struct in_addr *network, int *prefix)
{
	char buf[32], *slash;
	long long bits;

	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return invalid();
	slash = strchr(buf, '/');
	if (slash == NULL)
		return invalid();
	*slash++ = '\0';
	if (inet_pton(AF_INET, buf, network) != 1 ||
	    parse_count(slash, &bits) == -1 || bits < 8 || bits > 30 ||
	    (ntohl(network->s_addr) & (0xffffffffu >> bits)) != 0)
		return invalid();
	*prefix = bits;
	return 0;
}

int parse_ports(const char *s, unsigned int *host, unsigned int *port,
		char *proto)
{
	char buf[32], *colon, *slash;
	long long from, to;

	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return invalid();
	slash = strchr(buf, '/');
	if (slash != NULL)
		*slash++ = '\0';
	colon = strchr(buf, ':');
	if (colon == NULL)
		return invalid();
	*colon++ = '\0';
	if (parse_count(buf, &from) == -1 || parse_count(colon, &to) == -1 ||
	    from < 1 || from > 65535 || to < 1 || to > 65535)
		return invalid();
	if (slash != NULL && strcmp(slash, "tcp") != 0 &&
	    strcmp(slash, "udp") != 0)
		return invalid();
	*host = from;
	*port = to;
	strcpy(proto, slash != NULL ? slash : "tcp");
	return 0;
}

int valid_hostname(const char *name)
{
	size_t len;

	if (strlen(name) > HOST_NAME_MAX)
		return 0;
	for (;; name += len + 1) {
		len = strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ"
				   "RSTUVWXYZ0123456789-");
		if (len == 0 || len > 63 || name[0] == '-' ||
		    name[len - 1] == '-')
			return 0;
		if (name[len] != '.')
			return name[len] == '\0';
	}
}

const char *getenv_or(const char *name, const char *fallback)
{
	const char *value = getenv(name);

	return value != NULL && value[0] != '\0' ? value : fallback;
}

void die_option(int opt, char **argv)
{
	/* getopt has moved optind past the word the option was in */
	const char *word = argv[optind - 1];

	if (opt == ':')
		diex("option `%s` needs a value", word);
	/* optopt: the letter of a bad short option; for a long one, the
	 * option's value when it was given an argument it takes none of */
	if (strncmp(word, "--", 2) != 0)
		diex("unknown option `-%c` (see --help)", optopt);
	if (optopt != 0)
		diex("option `%s` takes no value", word);
	diex("unknown option `%s` (see --help)", word);
}

char *repo_path(const char *name)
{
	char exe[PATH_MAX], *path;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n == -1)
		return NULL;
	if (n == sizeof(exe) - 1) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	exe[n] = '\0';
	/* step 10 runs from a sealed copy in memory, argv[0] its file */
	if (strncmp(exe, "/memfd:", 7) == 0 &&
	    snprintf(exe, sizeof(exe), "%s", program_invocation_name) >=
		    (int)sizeof(exe)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if (asprintf(&path, "%s/%s", dirname(dirname(exe)), name) == -1)
		return NULL;
	return path;
}

/* <repo>/images/<name> */
static char *image_path(const char *name)
{
	char *sub, *path;

	if (asprintf(&sub, "images/%s", name) == -1)
		return NULL;
	path = repo_path(sub);
	free(sub);
	return path;
}

char *resolve_rootfs(const char *arg)
{
	char *path, *real;
	struct stat st;

	if (arg[0] == '\0') {
		errno = ENOENT;
		return NULL;
	}
	if (strchr(arg, '/') || strcmp(arg, ".") == 0 || strcmp(arg, "..") == 0)
		path = strdup(arg);
	else
		path = image_path(arg);
	if (path == NULL)
		return NULL;
	real = realpath(path, NULL);
	free(path);
	if (real == NULL)
		return NULL;
	if (stat(real, &st) == -1) {
		free(real);
		return NULL;
	}
	if (!S_ISDIR(st.st_mode)) {
		free(real);
		errno = ENOTDIR;
		return NULL;
	}
	return real;
}

void die_rootfs(const char *arg)
{
	int err = errno;
	struct stat st;
	char *image;

	if (arg[0] == '\0' || strchr(arg, '/') || strcmp(arg, ".") == 0 ||
	    strcmp(arg, "..") == 0 || (image = image_path(arg)) == NULL) {
		errno = err;
		die("rootfs `%s`", arg);
	}
	/* a directory of that name here is what the user most likely meant */
	if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
		diex("rootfs `%s`: image `%s`: %s (for the directory `%s` "
		     "here, write `./%s`)",
		     arg, image, strerror(err), arg, arg);
	diex("rootfs `%s`: image `%s`: %s (an image name, or a directory "
	     "path with a slash)",
	     arg, image, strerror(err));
}

int random_hex(char *buf, size_t n)
{
	unsigned char bytes[64];
	size_t i;

	if (n > 120) {
		errno = EINVAL;
		return -1;
	}
	if (getrandom(bytes, n / 2 + 1, 0) != (ssize_t)(n / 2 + 1))
		return -1;
	for (i = 0; i < n; i++)
		buf[i] = "0123456789abcdef"[(bytes[i / 2] >> (i % 2 * 4)) & 15];
	buf[n] = '\0';
	return 0;
}

/* write(2) all of buf, as often as it takes. 0 or -1. */
static int write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	for (; len > 0; buf += n, len -= n) {
		n = write(fd, buf, len);
		if (n == -1 && errno == EINTR)
			n = 0;
		else if (n == -1)
			return -1;
	}
	return 0;
}

int replace_file(const char *path, mode_t mode, const char *fmt, ...)
{
	char tmp[PATH_MAX], *text;
	va_list ap;
	int n, fd, err;

	if (pathf(tmp, "%s.%d.tmp", path, (int)getpid()) == -1)
		return -1;
	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n == -1)
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		  mode);
	if (fd != -1 && write_all(fd, text, n) == 0 && close(fd) == 0 &&
	    rename(tmp, path) == 0) {
		free(text);
		return 0;
	}
	err = errno;
	if (fd != -1)
		close(fd);
	unlink(tmp);
	free(text);
	errno = err;
	return -1;
}

/* s with its control bytes escaped, and its backslashes if backslash:
 * malloc'd, or NULL. */
static char *escape(const char *s, int backslash)
{
	char *out = malloc(4 * strlen(s) + 1), *p = out;

	if (out == NULL)
		return NULL;
	for (; *s != '\0'; s++) {
		unsigned char c = *s;

		if ((c == '\\' && backslash) || c == '\n' || c == '\r' ||
		    c == '\t') {
			*p++ = '\\';
			*p++ = c == '\\'   ? '\\'
			       : c == '\n' ? 'n'
			       : c == '\r' ? 'r'
					   : 't';
		} else if (c < 0x20 || c == 0x7f) {
			p += sprintf(p, "\\x%02x", c);
		} else {
			*p++ = c;
		}
	}
	*p = '\0';
	return out;
}

char *escape_value(const char *s)
{
	return escape(s, 1);
}

/* Undo escape_value() in place. 0, or -1 for a value it cannot have
 * written: a raw control byte, an unknown escape, \x00. */
static int unescape(char *s)
{
	char *out = s;
	unsigned int c;

	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return -1;
		if (*s != '\\') {
			*out++ = *s;
			continue;
		}
		switch (*++s) {
		case '\\':
			*out++ = '\\';
			break;
		case 'n':
			*out++ = '\n';
			break;
		case 'r':
			*out++ = '\r';
			break;
		case 't':
			*out++ = '\t';
			break;
		case 'x':
			if (!isxdigit((unsigned char)s[1]) ||
			    !isxdigit((unsigned char)s[2]) ||
			    sscanf(s + 1, "%2x", &c) != 1 || c == 0)
				return -1;
			*out++ = c;
			s += 2;
			break;
		default:
			return -1;
		}
	}
	*out = '\0';
	return 0;
}

/* The index of the key that line starts with, followed by "=", or -1. */
static int find_key(const char *const keys[], const char *line)
{
	size_t len = strcspn(line, "=");
	int i;

	for (i = 0; line[len] == '=' && keys[i] != NULL; i++)
		if (strlen(keys[i]) == len && strncmp(line, keys[i], len) == 0)
			return i;
	return -1;
}

int read_key(const char *path, const char *const keys[], const char *key,
	     char *value, size_t size)
{
	unsigned long long seen = 0;
	size_t cap = 0;
	char *line = NULL;
	ssize_t n;
	int err = ENODATA, i;
	FILE *f;

	f = fopen(path, "re");
	if (f == NULL)
		return -1;
	/* getline(3), not a buffer: a long line is one line, not several */
	while ((n = getline(&line, &cap, f)) != -1) {
		i = find_key(keys, line);
		if (i == -1 || i >= 64 || (seen >> i & 1) ||
		    line[n - 1] != '\n') {
			err = EBADMSG;
			break;
		}
		seen |= 1ULL << i;
		line[n - 1] = '\0';
		if (unescape(line + strlen(keys[i]) + 1) == -1) {
			err = EBADMSG;
			break;
		}
		if (strcmp(keys[i], key) != 0)
			continue;
		if (strlen(line + strlen(key) + 1) < size) {
			strcpy(value, line + strlen(key) + 1);
			err = 0;
		} else {
			err = ERANGE;
		}
	}
	if (ferror(f))
		err = EIO;
	free(line);
	fclose(f);
	errno = err;
	return err == 0 ? 0 : -1;
}

/*
 * remove_tree() goes down one directory at a time and keeps, for each
 * directory on the way, its names (read whole when it enters), where it
 * is in them, and its device and inode: in memory, not as a descriptor.
 */
struct level {
	char **names;
	size_t n, next;
	dev_t dev;
	ino_t ino;
};

/* The names in the directory fd, but "." and "..", into l. 0 or -1. */
static int read_names(int fd, struct level *l)
{
	struct dirent *e;
	struct stat st;
	char **names;
	DIR *dir;
	int copy;

	l->names = NULL;
	l->n = l->next = 0;
	if (fstat(fd, &st) == -1)
		return -1;
	l->dev = st.st_dev;
	l->ino = st.st_ino;
	copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (copy == -1)
		return -1;
	dir = fdopendir(copy);
	if (dir == NULL) {
		close(copy);
		return -1;
	}
	while ((e = readdir(dir)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		names = reallocarray(l->names, l->n + 1, sizeof(char *));
		if (names == NULL ||
		    (names[l->n] = strdup(e->d_name)) == NULL) {
			if (names != NULL)
				l->names = names;
			closedir(dir);
			return -1;
		}
		l->names = names;
		l->n++;
	}
	closedir(dir);
	return 0;
}

static void free_names(struct level *l)
{
	while (l->n > 0)
		free(l->names[--l->n]);
	free(l->names);
}

/* Is name in the directory fd a mount point (STATX_ATTR_MOUNT_ROOT,
 * statx(2), Linux 5.8: comparing st_dev misses a bind mount)? Its type
 * into *mode. -1 if it cannot be looked at. */
static int mount_root(int fd, const char *name, mode_t *mode)
{
	struct statx stx;

	if (statx(fd, name, AT_SYMLINK_NOFOLLOW, STATX_TYPE, &stx) == -1)
		return -1;
	*mode = stx.stx_mode;
	return (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
}

/* From the directory fd, whose entries are all tried, up to its parent,
 * which must be up's; it then removes fd's directory, name. The parent's
 * descriptor, or -1 (errno ESTALE: the tree changed under us). */
static int climb(int fd, const struct level *up, const char *name, int *err)
{
	struct stat st;
	int parent;

	parent = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(fd);
	if (parent == -1)
		return -1;
	if (fstat(parent, &st) == -1 || st.st_dev != up->dev ||
	    st.st_ino != up->ino) {
		close(parent);
		errno = ESTALE;
		return -1;
	}
	if (unlinkat(parent, name, AT_REMOVEDIR) == -1 && *err == 0)
		*err = errno;
	return parent;
}

/* Push a level for the directory fd, with its names. 0 or -1. */
static int enter(int fd, struct level **levels, size_t *depth)
{
	struct level *more;

	more = reallocarray(*levels, *depth + 1, sizeof(**levels));
	if (more == NULL)
		return -1;
	*levels = more;
	if (read_names(fd, &more[*depth]) == -1) {
		int err = errno;

		free_names(&more[*depth]);
		errno = err;
		return -1;
	}
	(*depth)++;
	return 0;
}

int remove_tree(const char *path)
{
	struct level *levels = NULL, *l;
	size_t depth = 0;
	int fd, child, err = 0, ret;
	const char *name;
	mode_t mode;

	ret = mount_root(AT_FDCWD, path, &mode);
	if (ret == 1)
		errno = EBUSY;
	if (ret != 0)
		return -1;
	if (!S_ISDIR(mode))
		return unlink(path);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 || enter(fd, &levels, &depth) == -1) {
		err = errno;
		if (fd != -1)
			close(fd);
		errno = err;
		return -1;
	}
	while (fd != -1) {
		l = &levels[depth - 1];
		if (l->next == l->n) { /* each name tried: up, and rmdir */
			if (depth == 1)
				break;
			free_names(l);
			depth--;
			l = &levels[depth - 1];
			fd = climb(fd, l, l->names[l->next - 1], &err);
			continue;
		}
		name = l->names[l->next++];
		ret = mount_root(fd, name, &mode);
		if (ret == 0 && !S_ISDIR(mode) && unlinkat(fd, name, 0) == 0)
			continue;
		if (ret == 0 && S_ISDIR(mode)) {
			child = openat(fd, name,
				       O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					       O_CLOEXEC);
			if (child != -1 && enter(child, &levels, &depth) == 0) {
				close(fd);
				fd = child;
				continue;
			}
			if (child != -1) {
				ret = errno;
				close(child);
				errno = ret;
				ret = 0;
			}
		}
		if (err == 0)
			err = ret == 1 ? EBUSY : errno;
	}
	if (fd == -1 && err == 0)
		err = errno;
	if (fd != -1) {
		close(fd);
		if (rmdir(path) == -1 && err == 0)
			err = errno;
	}
	while (depth > 0)
		free_names(&levels[--depth]);
	free(levels);
	errno = err;
	return err == 0 ? 0 : -1;
}

int remove_tree_last(const char *path, const char *last)
{
	char entry[PATH_MAX];
	struct dirent *e;
	int err = 0;
	DIR *dir;

	dir = opendir(path);
	if (dir == NULL)
		return -1;
	while ((e = readdir(dir)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 ||
		    strcmp(e->d_name, "..") == 0 ||
		    strcmp(e->d_name, last) == 0)
			continue;
		if ((pathf(entry, "%s/%s", path, e->d_name) == -1 ||
		     remove_tree(entry) == -1) &&
		    err == 0)
			err = errno;
	}
	closedir(dir);
	if (err == 0 && pathf(entry, "%s/%s", path, last) == 0 &&
	    unlink(entry) == -1 && errno != ENOENT)
		err = errno;
	if (err == 0 && rmdir(path) == -1)
		err = errno;
	errno = err;
	return err == 0 ? 0 : -1;
}

int open_in_root(int root, const char *path, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC,
		.mode = flags & O_CREAT ? mode : 0,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	return syscall(SYS_openat2, root, path, &how, sizeof(how));
}

int make_dirs_in(int root, const char *path, mode_t mode)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS,
	};
	char *copy = strdup(path), *name, *rest;
	int dir, next, err;

	if (copy == NULL)
		return -1;
	dir = syscall(SYS_openat2, root, ".", &how, sizeof(how));
	for (name = strtok_r(copy, "/", &rest); dir != -1 && name != NULL;
	     name = strtok_r(NULL, "/", &rest)) {
		if (strcmp(name, "..") == 0) {
			close(dir);
			errno = EINVAL;
			dir = -1;
			break;
		}
		/* a symlink fails with ELOOP (RESOLVE_NO_SYMLINKS) */
		next = syscall(SYS_openat2, dir, name, &how, sizeof(how));
		if (next == -1 && errno == ENOENT &&
		    (mkdirat(dir, name, mode) == 0 || errno == EEXIST))
			next = syscall(SYS_openat2, dir, name, &how,
				       sizeof(how));
		err = errno;
		close(dir);
		errno = err;
		dir = next;
	}
	free(copy);
	return dir;
}

int safe_member(const char *name)
{
	const char *p = name;

	if (name[0] == '/' || name[0] == '\0')
		return 0;
	while (*p != '\0') {
		size_t len = strcspn(p, "/");

		if (len == 2 && p[0] == '.' && p[1] == '.')
			return 0;
		p += len;
		p += strspn(p, "/");
	}
	return 1;
}

int check_tar(const char *tarball, char *bad, size_t size)
{
	const char *argv[] = {"tar", "-tf", tarball, NULL};
	char *line = NULL;
	size_t cap = 0;
	int fds[2], status, ok = 1;
	FILE *f;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid == -1) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		if (dup2(fds[1], 1) == -1)
			_exit(127);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	if (f == NULL) {
		close(fds[0]);
		wait_child(pid);
		return -1;
	}
	/* getline(3): a name longer than any buffer is still one name */
	while (getline(&line, &cap, f) != -1) {
		line[strcspn(line, "\n")] = '\0';
		if (ok && !safe_member(line)) {
			snprintf(bad, size, "%s", line);
			ok = 0;
		}
	}
	free(line);
	fclose(f);
	status = wait_child(pid);
	if (status != 0) {
		snprintf(bad, size, "tar -tf exited with %d", status);
		errno = EIO;
		return -1;
	}
	if (!ok) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}
