/* file.c - the plumbing declared in file.h; see there. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "file.h"

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

/*
 * The one writer behind the three: the formatted text, written to path
 * opened with flags in a single write(2); a short write is EIO.
 */
static int vput(const char *path, int flags, mode_t mode, const char *fmt,
		va_list ap)
{
	char *text;
	int len, fd, err;
	ssize_t n;

	len = vasprintf(&text, fmt, ap);
	if (len == -1)
		return -1;
	fd = open(path, flags | O_CLOEXEC, mode);
	if (fd == -1) {
		free(text);
		return -1;
	}
	n = write(fd, text, len);
	err = n == -1 ? errno : EIO;
	free(text);
	if (close(fd) == -1 && n == len)
		return -1;
	if (n == len)
		return 0;
	errno = err;
	return -1;
}

/* vput() with its arguments as they come. */
__attribute__((format(printf, 4, 5))) static int
put(const char *path, int flags, mode_t mode, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vput(path, flags, mode, fmt, ap);
	va_end(ap);
	return ret;
}

int write_file(const char *path, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vput(path, O_WRONLY, 0, fmt, ap);
	va_end(ap);
	return ret;
}

int create_file(const char *path, mode_t mode, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vput(path, O_WRONLY | O_CREAT | O_TRUNC, mode, fmt, ap);
	va_end(ap);
	return ret;
}

int new_file(const char *path, mode_t mode, const char *text)
{
	return put(path, O_WRONLY | O_CREAT | O_EXCL, mode, "%s", text);
}

ssize_t read_file(const char *path, char *buf, size_t size)
{
	ssize_t n, len = 0;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	while ((n = read(fd, buf + len, size - len)) > 0 &&
	       (size_t)(len += n) < size)
		;
	err = n == -1 ? errno : EFBIG;
	close(fd);
	if (n != 0 || (size_t)len == size) {
		errno = err;
		return -1;
	}
	buf[len] = '\0';
	return len;
}

int replace_file(const char *path, mode_t mode, const char *fmt, ...)
{
	char tmp[PATH_MAX];
	va_list ap;
	int ret, err;

	if (pathf(tmp, "%s.%d.tmp", path, (int)getpid()) == -1)
		return -1;
	va_start(ap, fmt);
	ret = vput(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, mode, fmt,
		   ap);
	va_end(ap);
	if (ret == 0 && rename(tmp, path) == 0)
		return 0;
	err = errno;
	unlink(tmp);
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

int lock_wait(const char *path)
{
	int fd, err;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1)
		return -1;
	while (flock(fd, LOCK_EX) == -1)
		if (errno != EINTR) {
			err = errno;
			close(fd);
			errno = err;
			return -1;
		}
	return fd;
}
