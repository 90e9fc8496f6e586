/*
 * userns.h - what a rootless runtime must find out before it makes a user
 * namespace, and whom it asks: the range of subordinate ids a user was
 * given (subuid(5), subgid(5)), newuidmap(1) and newgidmap(1), which map
 * them for it, why the kernel may refuse the namespace where a
 * distribution restricts them, and the cgroup v2 subtree that systemd
 * delegated to the user, where its limits can go.
 */
#ifndef NUTSHELL_USERNS_H
#define NUTSHELL_USERNS_H

#include <stddef.h>
#include <sys/types.h>

/* The first line of file (/etc/subuid or /etc/subgid, NAME:FIRST:COUNT)
 * for user name, or its uid, as subuid(5) allows, whose range holds at
 * least need ids, starts above 0 and ends below 2^32: its first into
 * *first, its count, at most most, into *count. -1 if there is none. */
int subid_range(const char *file, const char *name, unsigned long uid,
		unsigned long need, unsigned long most, unsigned long *first,
		unsigned long *count);

/* Why the kernel may refuse us a user namespace (AppArmor's restriction,
 * Debian's old sysctl), as a hint for an error line, or "". */
const char *userns_hint(void);

/* PROG, newuidmap or newgidmap, maps 0 in pid's user namespace to id,
 * and 1 up to ids first to first + count - 1. Its exit status. */
int map_ids(const char *prog, pid_t pid, unsigned long id, unsigned long first,
	    unsigned long count);

/* The topmost cgroup v2 directory, up from ours, that we own and may
 * write (one systemd delegated to the user), below root ("/sys/fs/cgroup"),
 * into owned (size bytes), without its leading "/"; "" if none. 0, or
 * -1 with errno set if /proc/self/cgroup cannot be read. */
int delegated_cgroup(const char *root, char *owned, size_t size);

#endif
