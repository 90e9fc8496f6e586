/* netns.c - the plumbing declared in netns.h; see there. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <sys/stat.h>

#include "file.h"
#include "netns.h"

int netns_dir(char *dir, const char *state)
{
	struct stat st;

	/* stat(2) follows the link to the namespace, an inode of nsfs */
	if (stat("/proc/self/ns/net", &st) == -1)
		return -1;
	return pathf(dir, "%s/net/%lu", state, (unsigned long)st.st_ino);
}

int save_forwarding(const char *dir)
{
	char path[PATH_MAX], value[8];

	if (read_file("/proc/sys/net/ipv4/ip_forward", value, sizeof(value)) ==
		    -1 ||
	    pathf(path, "%s/ip_forward", dir) == -1)
		return -1;
	if (new_file(path, 0600, value) == -1 && errno != EEXIST)
		return -1;
	return 0;
}
