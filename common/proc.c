/* proc.c - the plumbing declared in proc.h; see there. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "proc.h"

int wait_child(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

void *alloc_stack(size_t size)
{
	size_t page = sysconf(_SC_PAGESIZE);
	char *map;

	/* the kernel rounds the length up to whole pages */
	map = mmap(NULL, page + size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (map == MAP_FAILED)
		return NULL;
	/* the guard page: the lowest one, towards which the stack grows */
	if (mprotect(map, page, PROT_NONE) == -1) {
		int err = errno;

		munmap(map, page + size);
		errno = err;
		return NULL;
	}
	return map + page + size;
}

int runv(const char *const argv[], int quiet)
{
	pid_t pid;
	int null;

	fflush(NULL);
	pid = fork();
	if (pid == -1)
		return -1;
	if (pid == 0) {
		if (quiet) {
			null = open("/dev/null", O_WRONLY);
			if (null == -1 || dup2(null, 1) == -1 ||
			    dup2(null, 2) == -1)
				_exit(127);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	return wait_child(pid);
}

char **wipe_args(char *const keep[], char **argv)
{
	char **copy, **p;
	size_t n, i;

	for (n = 0; keep[n] != NULL; n++)
		;
	copy = calloc(n + 1, sizeof(char *));
	for (i = 0; copy != NULL && i < n; i++)
		if ((copy[i] = strdup(keep[i])) == NULL) {
			while (i > 0)
				free(copy[--i]);
			free(copy);
			return NULL;
		}
	if (copy == NULL)
		return NULL;
	for (p = environ; *p != NULL; p++)
		explicit_bzero(*p, strlen(*p));
	for (p = argv + 1; *p != NULL; p++)
		explicit_bzero(*p, strlen(*p));
	return copy;
}
