/* lease.c - the plumbing declared in lease.h; see there. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "file.h"
#include "lease.h"

/*
 * One try at address: 1 if it is ours now (a killed holder's record
 * undone, ours written), 0 if another runtime holds it, -1 on error.
 */
static int try_lease(struct lease *l, const char *dir, struct in_addr address,
		     const char *record, lease_undo *undo)
{
	char old[1024];
	ssize_t n;
	int fd, len = strlen(record);

	if (pathf(l->path, "%s/%s", dir, inet_ntoa(address)) == -1)
		return -1;
	fd = lock_file(l->path);
	if (fd == -1 && (errno == EWOULDBLOCK || errno == ESTALE))
		return 0; /* another runtime holds it */
	if (fd == -1)
		return -1;
	n = pread(fd, old, sizeof(old) - 1, 0);
	old[n > 0 ? n : 0] = '\0';
	if (n > 0)
		undo(old, address);
	if (ftruncate(fd, 0) == -1 || pwrite(fd, record, len, 0) != len) {
		close(fd);
		return -1;
	}
	l->fd = fd;
	l->address = address;
	return 1;
}

int lease_sweep(const char *dir, lease_undo *undo)
{
	struct in_addr address;
	struct lease l;
	struct dirent *e;
	int ret = 0;
	DIR *d;

	d = opendir(dir);
	if (d == NULL)
		return errno == ENOENT ? 0 : -1;
	while (ret != -1 && (e = readdir(d)) != NULL)
		if (inet_pton(AF_INET, e->d_name, &address) == 1 &&
		    (ret = try_lease(&l, dir, address, "", undo)) == 1)
			ret = lease_release(&l);
	closedir(d);
	return ret == -1 ? -1 : 0;
}

int lease_take(struct lease *l, const char *dir, unsigned int first,
	       unsigned int last, const char *record, lease_undo *undo)
{
	struct in_addr address;
	unsigned int i;
	int ret;

	if (lease_sweep(dir, undo) == -1)
		return -1;
	for (i = first; i >= first && i <= last; i++) {
		address.s_addr = htonl(i);
		ret = try_lease(l, dir, address, record, undo);
		if (ret != 0)
			return ret;
	}
	return 0;
}

int lease_release(struct lease *l)
{
	int ret = unlink(l->path), err = errno;

	close(l->fd); /* and with it the lock */
	l->fd = -1;
	errno = err;
	return ret;
}
