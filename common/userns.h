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

/* A rootless user's ids, and the ranges of /etc/subuid and /etc/subgid
 * that newuidmap(1) and newgidmap(1) map for them: count ids from each
 * first, the shorter of the two. */
struct subids {
	char user[64]; /* the user's name, or "" */
	unsigned long uid, gid, first_uid, first_gid, count;
};

/* Our ids into ids, and ranges of at most size ids for them. 1 if both
 * files give the user a range and newuidmap and newgidmap can be run; 0
 * if not (a user namespace then maps our own ids only). */
int find_subids(struct subids *ids, unsigned long size);

/* fork(2) a helper that waits for sync to be released (sync.h), then
 * maps 0 in pid's user namespace to our ids, and 1 up to the ranges in
 * ids, with newuidmap and newgidmap. It exits 0 if both did. Its pid,
 * or -1 with errno set. */
pid_t start_id_mapper(pid_t pid, const struct subids *ids, int sync[2]);

/* The first id of root's range in file (/etc/subuid, /etc/subgid), if it
 * holds size ids, or else fallback: where --userns maps a container's 0. */
unsigned long root_subids(const char *file, unsigned long size,
			  unsigned long fallback);

/* Why the kernel may refuse us a user namespace (AppArmor's restriction,
 * Debian's old sysctl), as a hint for an error line, or "". */
const char *userns_hint(void);

/* PROG, newuidmap or newgidmap, maps 0 in pid's user namespace to id,
 * and 1 up to ids first to first + count - 1. Its exit status. */
int map_ids(const char *prog, pid_t pid, unsigned long id, unsigned long first,
	    unsigned long count);

/* The topmost cgroup v2 directory, up from ours, that we own and may
 * write (one systemd delegated to the user), below root ("/sys/fs/cgroup"),
 * into owned (size bytes), without its leading "/"; "" if none. Into
 * controllers (csize bytes), those of memory, cpu and pids that it hands
 * down to its children, as "+memory +pids " for a cgroup.subtree_control.
 * 0, or -1 with errno set if /proc/self/cgroup cannot be read. */
int delegated_cgroup(const char *root, char *owned, size_t size,
		     char *controllers, size_t csize);

#endif
