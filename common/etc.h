/*
 * etc.h - the three files a runtime writes for a container's /etc, as
 * docker does, to be bind-mounted over the image's own: hostname; hosts,
 * with localhost and, when the container has an address of its own, its
 * name on that address; and resolv.conf, the host's nameservers. With a
 * network namespace of its own, a container cannot reach a resolver on
 * the host's loopback (systemd-resolved's 127.0.0.53, dnsmasq's
 * 127.0.0.1): those are left out, and the servers systemd-resolved
 * forwards to (/run/systemd/resolve/resolv.conf) are taken instead, as
 * docker takes them; failing all, docker's own fallback, Google's public
 * resolvers.
 */
#ifndef NUTSHELL_ETC_H
#define NUTSHELL_ETC_H

#include <netinet/in.h>

/* The files' names, in /etc and in the directory they are written to. */
extern const char *const etc_files[3];

/* Write the files into dir for a container named hostname. address: its
 * own address, written in hosts, or NULL. host_network: it shares the
 * host's network namespace, so loopback resolvers serve it too. 0, or -1
 * with errno set. */
int write_etc_files(const char *dir, const char *hostname,
		    const struct in_addr *address, int host_network);

#endif
