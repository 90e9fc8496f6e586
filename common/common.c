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
#include <sys/wait.h>

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

/*
 * One message, one line, one write(): stderr is unbuffered, and glibc
 * writes each fprintf() call on such a stream at once. Messages from
 * runtimes and containers running side by side then do not interleave.
 */
static void vreport(const char *prefix, const char *fmt, va_list ap, int err)
{
	char *msg;

	if (vasprintf(&msg, fmt, ap) == -1)
		msg = NULL;
	fprintf(stderr, "%s: %s%s%s%s\n", program_invocation_short_name, prefix,
		msg ? msg : fmt, err ? ": " : "", err ? strerror(err) : "");
	hint(msg ? msg : fmt, err);
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

	fprintf(stderr, "%s: exec `%s`: %s\n", program_invocation_short_name,
		cmd, strerror(err));
	if (err == ENOENT && on_path(cmd))
		fprintf(stderr,
			"%s: hint: `%s` is there, its loader or interpreter "
			"is not (see docs/troubleshooting.md)\n",
			program_invocation_short_name, cmd);
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

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
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

int replace_file(const char *path, const char *fmt, ...)
{
	char tmp[PATH_MAX], *text;
	va_list ap;
	int n, ret;

	if (pathf(tmp, "%s.%d.tmp", path, (int)getpid()) == -1)
		return -1;
	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n == -1)
		return -1;
	ret = create_file(tmp, 0644, "%s", text);
	free(text);
	if (ret == 0 && rename(tmp, path) == 0)
		return 0;
	n = errno;
	unlink(tmp);
	errno = n;
	return -1;
}

int read_key(const char *path, const char *key, char *value, size_t size)
{
	size_t len = strlen(key), cap = 0;
	char *line = NULL;
	int err = ENODATA;
	FILE *f;

	f = fopen(path, "re");
	if (f == NULL)
		return -1;
	/* getline(3), not a buffer: a long line is one line, not several */
	while (getline(&line, &cap, f) != -1) {
		if (strncmp(line, key, len) != 0 || line[len] != '=')
			continue;
		line[strcspn(line, "\n")] = '\0';
		err = ERANGE;
		if (strlen(line + len + 1) < size) {
			strcpy(value, line + len + 1);
			err = 0;
		}
		break;
	}
	free(line);
	fclose(f);
	errno = err;
	return err == 0 ? 0 : -1;
}

static int remove_at(int dirfd, const char *name);

/* Remove every entry of the directory fd (which this closes), going on
 * past a failure: 0, or -1 with the errno of the first. */
static int remove_entries(int fd)
{
	DIR *dir = fdopendir(fd);
	struct dirent *e;
	int err = 0;

	if (dir == NULL) {
		err = errno;
		close(fd);
		errno = err;
		return -1;
	}
	while ((e = readdir(dir)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (remove_at(dirfd(dir), e->d_name) == -1 && err == 0)
			err = errno;
	}
	closedir(dir);
	errno = err;
	return err == 0 ? 0 : -1;
}

/* Remove name in the directory dirfd: a symlink is a name like any other,
 * and a mount point, of another filesystem or bound from this one, is not
 * ours: STATX_ATTR_MOUNT_ROOT (statx(2), Linux 5.8) tells it, where
 * comparing st_dev misses a bind mount. */
static int remove_at(int dirfd, const char *name)
{
	struct statx stx;
	int fd;

	if (statx(dirfd, name, AT_SYMLINK_NOFOLLOW, STATX_TYPE, &stx) == -1)
		return -1;
	if (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) {
		errno = EBUSY;
		return -1;
	}
	if (!S_ISDIR(stx.stx_mode))
		return unlinkat(dirfd, name, 0);
	fd = openat(dirfd, name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 || remove_entries(fd) == -1)
		return -1;
	return unlinkat(dirfd, name, AT_REMOVEDIR);
}

int remove_tree(const char *path)
{
	return remove_at(AT_FDCWD, path);
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
