/*
 * 01-fork: run a command as a child process and report how it ended.
 *
 * New in this step: everything. A shell starts every program the same way:
 * fork(2) copies the calling process, the copy replaces itself with the
 * program through execvp(3), and the original waits in waitpid(2) to learn
 * how the program ended. A container runtime starts a container the same
 * way; the following steps only change how the child is made and what it
 * is allowed to see.
 *
 * Usage:   01-fork CMD [ARG...]
 * Try it:  ./bin/01-fork /bin/sh -c 'echo "child $$"; exit 3'; echo $?
 * Exit:    CMD's own status; 128+N if signal N killed it; 125 if the
 *          runtime fails; 126 if CMD cannot be run; 127 if it is not found.
 * Man:     fork(2), execve(2), execvp(3), waitpid(2), wait(2)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../common/err.h"
#include "../common/proc.h"

struct config {
	char **argv; /* the command to run and its arguments */
};

/*
 * The child turns itself into the command. execvp() searches PATH like a
 * shell does and only returns if it failed; die_exec() then exits with 127
 * (not found) or 126 (found but not executable), as env(1) and docker do.
 */
static int child(void *arg)
{
	struct config *cfg = arg;

	execvp(cfg->argv[0], cfg->argv);
	die_exec(cfg->argv[0]);
}

static void usage(void)
{
	fprintf(stderr, "usage: %s CMD [ARG...]\n",
		program_invocation_short_name);
	exit(EXIT_RUNTIME);
}

int main(int argc, char **argv)
{
	struct config cfg = {0};
	pid_t pid;
	int status;

	if (argc < 2)
		usage();
	cfg.argv = &argv[1];

	/*
	 * When stdout is a pipe, stdio keeps output in a buffer until it is
	 * full. fork() copies that buffer, so anything not yet flushed would
	 * be printed twice: once by each process.
	 */
	fflush(stdout);
	pid = fork();
	if (pid == -1)
		die("fork");
	if (pid == 0)
		child(&cfg);

	/*
	 * Report the command's fate as our own exit status: its exit code,
	 * or 128 + N when signal N killed it, the convention shells use.
	 */
	status = wait_child(pid);
	if (status == -1)
		die("waitpid %d", (int)pid);
	return status;
}
