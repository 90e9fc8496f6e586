/*
 * lease.h - addresses handed out one per running runtime. Each address
 * has a file in a directory of leases, and the runtime that holds it
 * keeps its file locked with flock(2) for as long as it runs. The kernel
 * drops the lock when its holder dies, SIGKILL included, so a lease that
 * can be locked is free, whatever its file says, and one address never
 * goes to two running runtimes, even when twenty start at once. A lease
 * file holds a record, text its holder wrote of what it set up that
 * would outlive it (published ports): whoever frees a killed runtime's
 * lease first hands its record to an undo function.
 */
#ifndef NUTSHELL_LEASE_H
#define NUTSHELL_LEASE_H

#include <limits.h>
#include <netinet/in.h>

struct lease {
	char path[PATH_MAX]; /* <dir>/<address>, dotted */
	int fd; /* the file, locked while we hold it; -1: none */
	struct in_addr address;
};

/* Undo what a killed runtime recorded in its lease of address. */
typedef void lease_undo(const char *record, struct in_addr address);

/* Free every lease in dir that no runtime holds: undo its record, then
 * remove its file. A missing dir holds none. 0, or -1 with errno set. */
int lease_sweep(const char *dir, lease_undo *undo);

/* Sweep dir, then take the first free address from first to last (in
 * host byte order), with record in its file: 1, and the lease in l; 0 if
 * every one is taken; -1 with errno set. */
int lease_take(struct lease *l, const char *dir, unsigned int first,
	       unsigned int last, const char *record, lease_undo *undo);

/* Give the lease back: its file goes, and with its descriptor the lock.
 * 0, or -1 with errno set if the file could not be removed. */
int lease_release(struct lease *l);

#endif
