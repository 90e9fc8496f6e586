/* etc.c - the plumbing declared in etc.h; see there. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "etc.h"
#include "file.h"

const char *const etc_files[3] = {"hosts", "hostname", "resolv.conf"};

/* Copy the nameserver lines of a resolv.conf(5) to out; without loopback,
 * leave out those on a loopback address. Returns how many were copied. */
static int copy_nameservers(FILE *out, const char *path, int loopback)
{
	char line[512], server[64];
	int copied = 0;
	FILE *in;

	in = fopen(path, "re");
	if (in == NULL)
		return 0;
	while (fgets(line, sizeof(line), in) != NULL) {
		if (sscanf(line, "nameserver %63s", server) != 1)
			continue;
		if (!loopback && (strncmp(server, "127.", 4) == 0 ||
				  strcmp(server, "::1") == 0))
			continue;
		fprintf(out, "nameserver %s\n", server);
		copied++;
	}
	fclose(in);
	return copied;
}

/* resolv.conf's text, in a buffer to free, or NULL with errno set. */
static char *resolv_conf(int host_network)
{
	char *text = NULL;
	size_t size;
	FILE *out;

	out = open_memstream(&text, &size);
	if (out == NULL)
		return NULL;
	if (copy_nameservers(out, "/etc/resolv.conf", host_network) == 0 &&
	    copy_nameservers(out, "/run/systemd/resolve/resolv.conf", 0) == 0)
		fputs("nameserver 8.8.8.8\nnameserver 8.8.4.4\n", out);
	if (fclose(out) == EOF) {
		free(text);
		return NULL;
	}
	return text;
}

int write_etc_files(const char *dir, const char *hostname,
		    const struct in_addr *address, int host_network)
{
	char path[PATH_MAX], self[128] = "", *resolv;
	int ret;

	if (pathf(path, "%s/hostname", dir) == -1 ||
	    create_file(path, 0644, "%s\n", hostname) == -1)
		return -1;
	if (address != NULL)
		snprintf(self, sizeof(self), "%s\t%s\n", inet_ntoa(*address),
			 hostname);
	if (pathf(path, "%s/hosts", dir) == -1 ||
	    create_file(path, 0644,
			"127.0.0.1\tlocalhost\n"
			"::1\tlocalhost ip6-localhost ip6-loopback\n%s",
			self) == -1)
		return -1;
	resolv = resolv_conf(host_network);
	if (resolv == NULL || pathf(path, "%s/resolv.conf", dir) == -1) {
		free(resolv);
		return -1;
	}
	ret = create_file(path, 0644, "%s", resolv);
	free(resolv);
	return ret;
}
