/* image.c - the plumbing declared in image.h; see there. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "err.h"
#include "proc.h"
#include "image.h"

char *repo_path(const char *name)
{
	char exe[PATH_MAX], *path;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n == -1)
		return NULL;
	if (n == sizeof(exe) - 1) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	exe[n] = '\0';
	/* step 10 runs from a sealed copy in memory, argv[0] its file */
	if (strncmp(exe, "/memfd:", 7) == 0 &&
	    snprintf(exe, sizeof(exe), "%s", program_invocation_name) >=
		    (int)sizeof(exe)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if (asprintf(&path, "%s/%s", dirname(dirname(exe)), name) == -1)
		return NULL;
	return path;
}

/* <repo>/images/<name> */
static char *image_path(const char *name)
{
	char *sub, *path;

	if (asprintf(&sub, "images/%s", name) == -1)
		return NULL;
	path = repo_path(sub);
	free(sub);
	return path;
}

char *resolve_rootfs(const char *arg)
{
	char *path, *real;
	struct stat st;

	if (arg[0] == '\0') {
		errno = ENOENT;
		return NULL;
	}
	if (strchr(arg, '/') || strcmp(arg, ".") == 0 || strcmp(arg, "..") == 0)
		path = strdup(arg);
	else
		path = image_path(arg);
	if (path == NULL)
		return NULL;
	real = realpath(path, NULL);
	free(path);
	if (real == NULL)
		return NULL;
	if (stat(real, &st) == -1) {
		free(real);
		return NULL;
	}
	if (!S_ISDIR(st.st_mode)) {
		free(real);
		errno = ENOTDIR;
		return NULL;
	}
	return real;
}

void die_rootfs(const char *arg)
{
	int err = errno;
	struct stat st;
	char *image;

	if (arg[0] == '\0' || strchr(arg, '/') || strcmp(arg, ".") == 0 ||
	    strcmp(arg, "..") == 0 || (image = image_path(arg)) == NULL) {
		errno = err;
		die("rootfs `%s`", arg);
	}
	/* a directory of that name here is what the user most likely meant */
	if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
		diex("rootfs `%s`: image `%s`: %s (for the directory `%s` "
		     "here, write `./%s`)",
		     arg, image, strerror(err), arg, arg);
	diex("rootfs `%s`: image `%s`: %s (an image name, or a directory "
	     "path with a slash)",
	     arg, image, strerror(err));
}

int safe_member(const char *name)
{
	const char *p = name;

	if (name[0] == '/' || name[0] == '\0')
		return 0;
	while (*p != '\0') {
		size_t len = strcspn(p, "/");

		if (len == 2 && p[0] == '.' && p[1] == '.')
			return 0;
		p += len;
		p += strspn(p, "/");
	}
	return 1;
}

int check_tar(const char *tarball, char *bad, size_t size)
{
	const char *argv[] = {"tar", "-tf", tarball, NULL};
	char *line = NULL;
	size_t cap = 0;
	int fds[2], status, ok = 1;
	FILE *f;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) == -1)
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid == -1) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		if (dup2(fds[1], 1) == -1)
			_exit(127);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	if (f == NULL) {
		close(fds[0]);
		wait_child(pid);
		return -1;
	}
	/* getline(3): a name longer than any buffer is still one name */
	while (getline(&line, &cap, f) != -1) {
		line[strcspn(line, "\n")] = '\0';
		if (ok && !safe_member(line)) {
			snprintf(bad, size, "%s", line);
			ok = 0;
		}
	}
	free(line);
	fclose(f);
	status = wait_child(pid);
	if (status != 0) {
		snprintf(bad, size, "tar -tf exited with %d", status);
		errno = EIO;
		return -1;
	}
	if (!ok) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}
