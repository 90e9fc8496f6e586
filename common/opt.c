/* opt.c - the plumbing declared in opt.h; see there. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "image.h"
#include "opt.h"

void add_env(char **env, int *n, int max, const char *arg)
{
	const char *value = getenv(arg);
	size_t len = strcspn(arg, "=");

	if (len == 0)
		diex("--env `%s`: expected KEY=VALUE or KEY", arg);
	if (*n == max)
		diex("--env: %d variables at most", max);
	if (arg[len] == '=')
		env[*n] = strdup(arg);
	else if (value != NULL && asprintf(&env[*n], "%s=%s", arg, value) == -1)
		env[*n] = NULL;
	else if (value == NULL)
		return; /* unset on the host: left out, as docker does */
	if (env[*n] == NULL)
		die("copy `%s`", arg);
	(*n)++;
}

void default_env(char **env, int *n, const char *name, const char *value)
{
	int i;

	if (value == NULL)
		return;
	for (i = 0; i < *n; i++)
		if (strncmp(env[i], name, strlen(name)) == 0 &&
		    env[i][strlen(name)] == '=')
			return;
	if (asprintf(&env[(*n)++], "%s=%s", name, value) == -1)
		die("environment");
}

void parse_volume(const char *arg, char **host, char **path, int *ro)
{
	char *copy = strdup(arg), *dir, *mode;
	struct stat st;

	if (copy == NULL)
		die("copy `%s`", arg);
	dir = strtok(copy, ":");
	*path = strtok(NULL, ":");
	mode = strtok(NULL, "");
	if (dir == NULL || *path == NULL || (*path)[0] != '/' ||
	    (*path)[1] == '\0' || !safe_member(*path + 1) ||
	    (mode != NULL && strcmp(mode, "ro") != 0 &&
	     strcmp(mode, "rw") != 0))
		diex("--volume `%s`: expected HOSTDIR:/PATH or "
		     "HOSTDIR:/PATH:ro",
		     arg);
	*host = realpath(dir, NULL);
	if (*host == NULL || stat(*host, &st) == -1 || !S_ISDIR(st.st_mode))
		diex("--volume `%s`: `%s` is not a directory of the host", arg,
		     dir);
	*ro = mode != NULL && strcmp(mode, "ro") == 0;
}

void parse_security_opt(const char *arg, int *no_new_privs, int *seccomp)
{
	if (strcmp(arg, "no-new-privileges") == 0 ||
	    strcmp(arg, "no-new-privileges=true") == 0)
		*no_new_privs = 1;
	else if (strcmp(arg, "no-new-privileges=false") == 0)
		*no_new_privs = 0;
	else if (strcmp(arg, "seccomp=unconfined") == 0)
		*seccomp = 0;
	else
		diex("--security-opt `%s`: expected no-new-privileges=true "
		     "or false, or seccomp=unconfined",
		     arg);
}
