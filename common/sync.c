/* sync.c - the plumbing declared in sync.h; see there. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "sync.h"

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
