/*
 * 03-chroot: run the command inside a root filesystem of its own.
 *
 * New in this step (diff against 02-clone): the command takes a ROOTFS, and
 * the child calls chroot(2) on it before it execs. From then on "/" means the
 * image's directory: the command finds the image's programs and libraries,
 * not the host's. Our image is a statically linked busybox, because a
 * dynamically linked program also needs its loader and libraries inside the
 * new root (`ldd /bin/ls` shows the list). chroot() alone changes only how
 * paths are looked up: processes, mounts, hostname and network are still the
 * host's, and root can climb out of it (step 06 shows how, and closes it).
 *
 * Usage:   03-chroot ROOTFS CMD [ARG...]   (ROOTFS: busybox, or a directory)
 * Try it:  sudo ./bin/03-chroot busybox /bin/sh -c 'ls /; cat /etc/os-release'
 * Exit:    CMD's own status; 128+N if signal N killed it; 125 if the
 *          runtime fails; 126 if CMD cannot be run; 127 if it is not found.
 * Man:     chroot(2), chdir(2), clone(2), execvp(3), waitpid(2)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../common/err.h"
#include "../common/image.h"
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
	char *rootfs; /* the directory that becomes the command's "/" */
};

/*
 * Make rootfs the child's root directory. chroot() leaves the working
 * directory where it was, outside the new root, so move into the new "/";
 * otherwise relative paths would still reach the host's files.
 */
static void enter_rootfs(const char *rootfs)
{
	if (chroot(rootfs) == -1)
		die("chroot `%s`", rootfs);
	if (chdir("/") == -1)
		die("chdir `/` in `%s`", rootfs);
}

/*
 * The child turns itself into the command. execvp() searches PATH like a
 * shell does and only returns if it failed; die_exec() then exits with 127
 * (not found) or 126 (found but not executable), as env(1) and docker do.
 */
static int child(void *arg)
{
	struct config *cfg = arg;

	enter_rootfs(cfg->rootfs);
	execvp(cfg->argv[0], cfg->argv);
	die_exec(cfg->argv[0]);
}

static void usage(void)
{
	fprintf(stderr, "usage: %s ROOTFS CMD [ARG...]\n",
		program_invocation_short_name);
	exit(EXIT_RUNTIME);
}

int main(int argc, char **argv)
{
	struct config cfg = {0};
	char *stack;
	pid_t pid;
	int status;

	if (argc < 3)
		usage();
	/* Say plainly why we stop rather than fail half-way with EPERM. */
	if (geteuid() != 0)
		diex("must be run as root: changing the root directory, "
		     "mounting and creating namespaces need privileges");
	cfg.rootfs = resolve_rootfs(argv[1]);
	if (cfg.rootfs == NULL)
		die_rootfs(argv[1]);
	cfg.argv = &argv[2];

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
