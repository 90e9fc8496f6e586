/*
 * netns.h - a network namespace's state on disk. A bridge, its leases
 * and its NAT rules belong to the network namespace they are made in, so
 * their state does too: STATE/net/<the namespace's inode number>, one
 * directory a namespace (the host's, a test's, an `ip netns exec` one's),
 * where no runtime of another namespace ever looks. In it, the host's
 * IPv4 forwarding as it was before the first run turned it on, for
 * cleanup to put back.
 */
#ifndef NUTSHELL_NETNS_H
#define NUTSHELL_NETNS_H

/* STATE/net/<inode of our network namespace> into dir (PATH_MAX bytes).
 * 0, or -1 with errno set. */
int netns_dir(char *dir, const char *state);

/* /proc/sys/net/ipv4/ip_forward's value into dir/ip_forward, unless the
 * file is there: the first run's record stays (a later run finds
 * forwarding on, which an earlier run turned on). 0, or -1 with errno. */
int save_forwarding(const char *dir);

#endif
