/* err.c - the plumbing declared in err.h; see there. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"

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

	for (i = 0; i < ARRAY_SIZE(hints); i++)
		if (err == hints[i].err &&
		    strncmp(msg, hints[i].start, strlen(hints[i].start)) == 0 &&
		    (!hints[i].within || strstr(msg, hints[i].within))) {
			fprintf(stderr,
				"%s: hint: %s (see docs/troubleshooting.md)\n",
				program_invocation_short_name, hints[i].cause);
			return;
		}
}

char *escape_text(const char *s, int backslash)
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
		line = escape_text(msg, 0);
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
	char *line = escape_text(cmd, 0);

	fprintf(stderr, "%s: exec `%s`: %s\n", program_invocation_short_name,
		line ? line : cmd, strerror(err));
	if (err == ENOENT && on_path(cmd))
		fprintf(stderr,
			"%s: hint: `%s` is there, its loader or interpreter "
			"is not (see docs/troubleshooting.md)\n",
			program_invocation_short_name, line ? line : cmd);
	exit(err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC);
}
