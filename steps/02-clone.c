/*
 * 02-clone: start the child with clone(2) instead of fork(2).
 *
 * New in this step (diff against 01-fork): clone() replaces fork(), so main()
 * is reshaped once around it. clone() is the door to everything that follows:
 * its flags put the child into new namespaces (step 05 on). Unlike fork(),
 * it starts the child in a function, child(), on a stack we provide, so we
 * map one: 1 MiB, because libc calls in the child (execvp() building paths,
 * fprintf() on failure) can need more than the few KiB some examples use,
 * and more for the arguments: given a script without "#!", execvp() runs
 * /bin/sh on it and builds that shell's argument list on the stack. Below
 * the stack, alloc_stack() leaves a guard page, so that an overflow is
 * always SIGSEGV, never a silent write into whatever is mapped there.
 * SIGCHLD in the flags is the signal the kernel sends the parent when the
 * child ends; with it, waitpid() treats the child as a fork()ed one.
 *
 * Usage:   02-clone CMD [ARG...]
 * Try it:  ./bin/02-clone /bin/sh -c 'echo "child $$"; exit 3'; echo $?
 * Exit:    CMD's own status; 128+N if signal N killed it; 125 if the
 *          runtime fails; 126 if CMD cannot be run; 127 if it is not found.
 * Man:     clone(2), mmap(2), execvp(3), waitpid(2)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../common/err.h"
#include "../common/proc.h"

/*
 * Size of the child's stack: 1 MiB for what the child does itself, plus
 * room for a copy of the argument list, which execvp() builds on this
 * stack when the command is a script without "#!" (see the header).
 */
#define STACK_SIZE(argc) (1024 * 1024 + ((argc) + 2) * sizeof(char *))

/*
 * Flags for clone(2), one per line; later steps add namespaces here.
 * SIGCHLD makes the child's end look like a fork()ed child's to waitpid().
 */
static const int clone_flags = SIGCHLD; /* tell the parent when it ends */

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
	char *stack;
	pid_t pid;
	int status;

	if (argc < 2)
		usage();
	cfg.argv = &argv[1];

	stack = alloc_stack(STACK_SIZE(argc));
	if (stack == NULL)
		die("mmap stack of %zu bytes", STACK_SIZE(argc));

	/*
	 * When stdout is a pipe, stdio keeps output in a buffer until it is
	 * full. clone() copies that buffer, so anything not yet flushed would
	 * be printed twice: once by each process.
	 */
	fflush(stdout);
	pid = clone(child, stack, clone_flags, &cfg);
	if (pid == -1)
		die("clone");

	/*
	 * Report the command's fate as our own exit status: its exit code,
	 * or 128 + N when signal N killed it, the convention shells use.
	 */
	status = wait_child(pid);
	if (status == -1)
		die("waitpid %d", (int)pid);
	return status;
}
