/*
 * 04-mount: give the command a /proc, and take it away afterwards.
 *
 * New in this step (diff against 03-chroot): ps, top and pidof read /proc,
 * which is an empty directory in the image, so the child mounts a proc
 * filesystem there. Two problems show up at once. The new /proc lists
 * every process on the host: there is no PID namespace yet. And there is no
 * mount namespace either, so the mount lands in the host's mount table: the
 * parent must outlive the command and unmount it, even when the command
 * fails or is killed, and when the runtime itself is told to stop: it
 * passes SIGTERM and SIGHUP on to the command instead of dying of them.
 * Step 05 fixes both problems with namespaces.
 *
 * Usage:   04-mount ROOTFS CMD [ARG...]   (ROOTFS: busybox, or a directory)
 * Try it:  sudo ./bin/04-mount busybox ps
 * Exit:    CMD's own status; 128+N if signal N killed it; 125 if the
 *          runtime fails; 126 if CMD cannot be run; 127 if it is not found.
 * Man:     proc(5), mount(2), umount2(2), sigaction(2), chroot(2), clone(2)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mount.h>

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
 * Mount a proc filesystem on the image's /proc. nosuid, nodev and noexec
 * because nothing in /proc needs them, as docker and runc mount it.
 */
static void mount_proc(void)
{
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) == -1)
		die("mount `proc` on `/proc`");
}

/*
 * In the parent, after the command ended: without a mount namespace the
 * child's proc mount is in the host's table, at ROOTFS/proc. MNT_DETACH
 * removes it even if a process the command left behind still has a file
 * open in it. EINVAL means nothing is mounted there, ENOENT that the image
 * has no /proc: either way the child failed before it mounted anything.
 * UMOUNT_NOFOLLOW: if the image's /proc is a symlink, ours would resolve
 * against the host's "/" and unmount whatever the image names there,
 * /sys/fs/cgroup say; the child's mount, made in the chroot, is not there.
 */
static void unmount_proc(const char *rootfs)
{
	char *path;

	if (asprintf(&path, "%s/proc", rootfs) == -1)
		die("asprintf");
	if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) == -1 &&
	    errno != EINVAL && errno != ENOENT)
		die("umount `%s`", path);
	free(path);
}

/*
 * In the parent, from clone() until the command ends. We must outlive the
 * command, to clean up after it and to report how it ended. Ctrl-C and
 * Ctrl-\ send SIGINT and SIGQUIT to the terminal's whole foreground
 * process group, the command and us: like system(3), we ignore them and
 * leave them to the command. kill(1), systemd and a terminal that closes
 * send SIGTERM or SIGHUP to us alone: we pass them on to the command, as
 * docker run does (its --sig-proxy), and go on waiting. The child was
 * cloned before this and keeps the default actions.
 */
static pid_t signal_target;

static void forward_signal(int sig)
{
	int err = errno; /* the interrupted code may be about to read it */

	kill(signal_target, sig);
	errno = err;
}

static void handle_signals(pid_t child)
{
	struct sigaction forward = {.sa_handler = forward_signal,
				    .sa_flags = SA_RESTART};

	signal_target = child;
	if (signal(SIGINT, SIG_IGN) == SIG_ERR)
		die("signal SIGINT");
	if (signal(SIGQUIT, SIG_IGN) == SIG_ERR)
		die("signal SIGQUIT");
	if (sigaction(SIGTERM, &forward, NULL) == -1)
		die("sigaction SIGTERM");
	if (sigaction(SIGHUP, &forward, NULL) == -1)
		die("sigaction SIGHUP");
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
	mount_proc();
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

	handle_signals(pid);

	/*
	 * Report the command's fate as our own exit status: its exit code,
	 * or 128 + N when signal N killed it, the convention shells use.
	 */
	status = wait_child(pid);
	if (status == -1)
		die("waitpid %d", (int)pid);
	unmount_proc(cfg.rootfs);
	return status;
}
