/*
 * 05-allns: put the command into new UTS, PID, mount, network and IPC
 * namespaces, and give it a hostname of its own.
 *
 * New in this step (diff against 04-mount): five CLONE_NEW* flags and one
 * sethostname(2). Each namespace gives the child a private copy of one kind
 * of kernel resource: the command is PID 1 of its own process tree, ps sees
 * only the container, the hostname, System V IPC objects and network devices
 * are its own, and its mounts live in a copy of the mount table that
 * vanishes with it. Known gap: on a host whose "/" is a shared mount (every
 * systemd host), mounts made inside still propagate to the host. Step 06
 * closes it.
 *
 * Usage:   05-allns ROOTFS CMD [ARG...]   (ROOTFS: busybox, or a directory)
 * Try it:  sudo ./bin/05-allns busybox /bin/sh -c 'echo $$; hostname; ps'
 * Exit:    CMD's own status; 128+N if signal N killed it; 125 if the
 *          runtime fails; 126 if CMD cannot be run; 127 if it is not found.
 * Man:     namespaces(7), pid_namespaces(7), mount_namespaces(7),
 *          uts_namespaces(7), network_namespaces(7), ipc_namespaces(7),
 *          clone(2), sethostname(2)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

/* The container's hostname, in its own UTS namespace. */
#define HOSTNAME "nutshell"

/*
 * Flags for clone(2), one per line; later steps add namespaces here.
 * SIGCHLD makes the child's end look like a fork()ed child's to waitpid().
 */
static const int clone_flags = CLONE_NEWIPC | /* System V IPC, mqueues */
			       CLONE_NEWNET | /* network devices, addresses */
			       CLONE_NEWNS | /* the mount table */
			       CLONE_NEWPID | /* PIDs: the command is PID 1 */
			       CLONE_NEWUTS | /* hostname and domain name */
			       SIGCHLD; /* tell the parent when it ends */

struct config {
	char **argv; /* the command to run and its arguments */
	char *rootfs; /* the directory that becomes the command's "/" */
	const char *hostname; /* the container's own hostname */
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
 * because nothing in /proc needs them, as docker and runc mount it. The
 * child is in the new PID namespace, so this /proc shows its processes.
 */
static void mount_proc(void)
{
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) == -1)
		die("mount `proc` on `/proc`");
}

/*
 * Set the hostname in the child's new UTS namespace; the host's is unchanged.
 */
static void set_hostname(const char *hostname)
{
	if (sethostname(hostname, strlen(hostname)) == -1)
		die("sethostname `%s`", hostname);
}

/*
 * In the parent, after the command ended. The proc mount belongs to the
 * child's mount namespace and disappears with it, except on a host whose
 * "/" is shared: there the mount propagated back into the host's table at
 * ROOTFS/proc (the gap step 06 closes), so remove it here. MNT_DETACH works
 * even if a leftover process has a file open in it; EINVAL means nothing is
 * mounted there, as on a host whose "/" is private, ENOENT that the image
 * has no /proc. UMOUNT_NOFOLLOW: if the image's /proc is a symlink, ours
 * would resolve against the host's "/" and unmount whatever the image
 * names there; the child's mount, made in the chroot, is not there.
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
	set_hostname(cfg->hostname);
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
	cfg.hostname = HOSTNAME;

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
