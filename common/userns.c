/* userns.c - the plumbing declared in userns.h; see there. */
#define _GNU_SOURCE
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "file.h"
#include "proc.h"
#include "sync.h"
#include "userns.h"

int subid_range(const char *file, const char *name, unsigned long uid,
		unsigned long need, unsigned long most, unsigned long *first,
		unsigned long *count)
{
	char *line = NULL, *colon, number[16];
	size_t size = 0;
	FILE *f = fopen(file, "re");

	snprintf(number, sizeof(number), "%lu", uid);
	while (f != NULL && getline(&line, &size, f) != -1) {
		colon = strchr(line, ':');
		if (colon == NULL) /* the line's name is line up to colon */
			continue;
		*colon = '\0';
		if ((strcmp(line, name) != 0 && strcmp(line, number) != 0) ||
		    sscanf(colon + 1, "%lu:%lu", first, count) != 2 ||
		    *count < need || *first == 0 ||
		    *first > 0xffffffffUL - most)
			continue;
		if (*count > most)
			*count = most;
		free(line);
		fclose(f);
		return 0;
	}
	free(line);
	if (f != NULL)
		fclose(f);
	return -1;
}

const char *userns_hint(void)
{
	char value[16] = "";
	FILE *f;

	f = fopen("/proc/sys/kernel/apparmor_restrict_unprivileged_userns",
		  "re");
	if (f != NULL && fgets(value, sizeof(value), f) != NULL &&
	    value[0] == '1') {
		fclose(f);
		return " (kernel.apparmor_restrict_unprivileged_userns is 1: "
		       "AppArmor gives unprivileged user namespaces no "
		       "capabilities; docs/10-caps-seccomp.md, \"Rootless\", "
		       "says how to allow this program)";
	}
	if (f != NULL)
		fclose(f);
	f = fopen("/proc/sys/kernel/unprivileged_userns_clone", "re");
	if (f != NULL && fgets(value, sizeof(value), f) != NULL &&
	    value[0] == '0') {
		fclose(f);
		return " (kernel.unprivileged_userns_clone is 0: sysctl -w "
		       "kernel.unprivileged_userns_clone=1 allows them)";
	}
	if (f != NULL)
		fclose(f);
	return "";
}

int map_ids(const char *prog, pid_t pid, unsigned long id, unsigned long first,
	    unsigned long count)
{
	char arg[4][16];
	const char *argv[] = {prog, arg[0], "0",    arg[1], "1",
			      "1",  arg[2], arg[3], NULL};

	snprintf(arg[0], sizeof(arg[0]), "%d", (int)pid);
	snprintf(arg[1], sizeof(arg[1]), "%lu", id);
	snprintf(arg[2], sizeof(arg[2]), "%lu", first);
	snprintf(arg[3], sizeof(arg[3]), "%lu", count);
	return runv(argv, 0);
}

/* Of the controllers in dir's cgroup.subtree_control ("cpu memory pids"),
 * those the runtime limits with, as "+memory +cpu " into out. */
static void limit_controllers(const char *dir, char *out, size_t size)
{
	char line[256], *word;
	size_t n = 0;
	FILE *f;

	out[0] = '\0';
	f = fopen(dir, "re");
	if (f == NULL)
		return;
	word = fgets(line, sizeof(line), f) ? strtok(line, " \n") : NULL;
	for (; word != NULL; word = strtok(NULL, " \n"))
		if ((strcmp(word, "memory") == 0 || strcmp(word, "cpu") == 0 ||
		     strcmp(word, "pids") == 0) &&
		    n < size)
			n += snprintf(out + n, size - n, "+%s ", word);
	fclose(f);
}

int delegated_cgroup(const char *root, char *owned, size_t size,
		     char *controllers, size_t csize)
{
	char line[PATH_MAX], dir[PATH_MAX], *slash;
	struct stat st;
	FILE *f;

	owned[0] = '\0';
	controllers[0] = '\0';
	f = fopen("/proc/self/cgroup", "re");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "0::/", 4) != 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		/* up from ours, while we own it: inside our namespace, our
		 * uid is 0, and another's, unmapped, the overflow uid */
		while (pathf(dir, "%s%s", root, line + 3) == 0 &&
		       stat(dir, &st) == 0 && st.st_uid == geteuid() &&
		       access(dir, W_OK) == 0) {
			snprintf(owned, size, "%s", line + 4);
			slash = strrchr(line, '/');
			if (slash == line + 3)
				break;
			*slash = '\0';
		}
	}
	fclose(f);
	if (owned[0] != '\0' &&
	    pathf(dir, "%s/%s/cgroup.subtree_control", root, owned) == 0)
		limit_controllers(dir, controllers, csize);
	return 0;
}

int find_subids(struct subids *ids, unsigned long size)
{
	struct passwd *pw;
	unsigned long gids;

	ids->uid = getuid();
	ids->gid = getgid();
	pw = getpwuid(ids->uid);
	snprintf(ids->user, sizeof(ids->user), "%s",
		 pw != NULL ? pw->pw_name : "");
	if (pw == NULL ||
	    subid_range("/etc/subuid", ids->user, ids->uid, 1, size,
			&ids->first_uid, &ids->count) == -1 ||
	    subid_range("/etc/subgid", ids->user, ids->uid, 1, size,
			&ids->first_gid, &gids) == -1 ||
	    runv((const char *const[]){"newuidmap", NULL}, 1) == 127 ||
	    runv((const char *const[]){"newgidmap", NULL}, 1) == 127)
		return 0;
	if (ids->count > gids)
		ids->count = gids;
	return 1;
}

pid_t start_id_mapper(pid_t pid, const struct subids *ids, int sync[2])
{
	pid_t helper;

	helper = fork();
	if (helper == 0)
		_exit(sync_wait(sync) == -1 ||
		      map_ids("newuidmap", pid, ids->uid, ids->first_uid,
			      ids->count) != 0 ||
		      map_ids("newgidmap", pid, ids->gid, ids->first_gid,
			      ids->count) != 0);
	return helper;
}

unsigned long root_subids(const char *file, unsigned long size,
			  unsigned long fallback)
{
	unsigned long first, count;

	if (subid_range(file, "root", 0, size, size, &first, &count) == -1)
		return fallback;
	return first;
}
