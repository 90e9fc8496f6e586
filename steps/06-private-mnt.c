/*
 * 06-private-mnt: keep the container's mounts to itself, enter the root
 * with pivot_root(2), and give it the standard /proc, /sys and /dev.
 *
 * New in this step (diff against 05-allns): three fixes to the filesystem.
 * 1. The child first makes every mount in its namespace private. systemd
 *    makes "/" shared, and a shared mount copied into a new namespace stays
 *    a peer of the host's, so 05's mounts leaked out (mount_namespaces(7)).
 * 2. chroot() only changes how paths are looked up, and root can climb out
 *    of it. pivot_root() instead makes the image the root mount of the
 *    namespace, and the host's tree is then detached: no path is left to
 *    climb to (but an open file descriptor the runtime inherited still
 *    leads there; step 10 closes them). The parent unmounts nothing now.
 * 3. A read-only /sys and a small /dev (tmpfs with null, zero, full, random,
 *    urandom, tty, its own /dev/pts and /dev/shm), as programs expect.
 * Writes inside still land in the image directory: step 09 adds copy-on-write.
 *
 * Usage:   06-private-mnt ROOTFS CMD [ARG...]   (ROOTFS: busybox, or a dir)
 * Try it:  sudo ./bin/06-private-mnt busybox cat /proc/self/mountinfo
 * Exit:    CMD's own status; 128+N if signal N killed it; 125 if the
 *          runtime fails; 126 if CMD cannot be run; 127 if it is not found.
 * Man:     mount_namespaces(7), pivot_root(2), mount(2), umount2(2),
 *          mknod(2), sysfs(5), pts(4), namespaces(7), clone(2)
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
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

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

/* The device nodes a container's /dev holds, the set docker and runc make. */
static const struct dev_node {
	const char *path;
	unsigned int major, minor;
} dev_nodes[] = {
	{"/dev/null", 1, 3},   {"/dev/zero", 1, 5},    {"/dev/full", 1, 7},
	{"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
};

/* The symlinks of a standard /dev: target, link. */
static const char *const dev_links[][2] = {
	{"/proc/self/fd", "/dev/fd"},	    {"/proc/self/fd/0", "/dev/stdin"},
	{"/proc/self/fd/1", "/dev/stdout"}, {"/proc/self/fd/2", "/dev/stderr"},
	{"pts/ptmx", "/dev/ptmx"},
};

struct config {
	char **argv; /* the command to run and its arguments */
	char *rootfs; /* the directory that becomes the command's "/" */
	const char *hostname; /* the container's own hostname */
};

/*
 * The new mount namespace starts as a copy of the host's, with the same
 * propagation: on a systemd host "/" is shared, so every mount below made
 * here would appear on the host too, and pivot_root() refuses to move a
 * shared mount (EINVAL). Make the whole copy private before anything else.
 */
static void make_mounts_private(void)
{
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1)
		die("mount `/` private");
}

/* glibc has no wrapper for pivot_root(2). */
static int sys_pivot_root(const char *new_root, const char *put_old)
{
	return syscall(SYS_pivot_root, new_root, put_old);
}

/*
 * Make rootfs the root mount of our namespace. pivot_root() needs the new
 * root to be a mount point, so bind-mount the image onto itself first. Then
 * the pivot_root(".", ".") trick, as in LXC and runc: the old root ends up
 * stacked on top of the new one at "/", and detaching it leaves no path from
 * the container back to the host's files. chdir("/") lands in the image.
 */
static void enter_rootfs(const char *rootfs)
{
	if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) == -1)
		die("mount `%s` on itself", rootfs);
	if (chdir(rootfs) == -1)
		die("chdir `%s`", rootfs);
	if (sys_pivot_root(".", ".") == -1)
		die("pivot_root `%s`", rootfs);
	if (umount2(".", MNT_DETACH) == -1)
		die("umount the old root");
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
 * sysfs describes devices, drivers and the kernel's settings. Read-only, as
 * docker mounts it: the container may look, not change the host's hardware
 * settings. Mounted from inside the new network namespace, its class/net
 * lists the container's network devices only.
 */
static void mount_sys(void)
{
	if (mount("sysfs", "/sys", "sysfs",
		  MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == -1)
		die("mount `sysfs` on `/sys`");
}

/*
 * A small /dev of our own rather than the host's: a tmpfs (no nodev here,
 * the nodes must work), its own devpts instance so the container sees only
 * its own terminals, and a /dev/shm for POSIX shared memory.
 */
static void mount_dev(void)
{
	if (mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_STRICTATIME,
		  "mode=755,size=65536k") == -1)
		die("mount `tmpfs` on `/dev`");
	if (mkdir("/dev/pts", 0755) == -1)
		die("mkdir `/dev/pts`");
	if (mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		  "newinstance,ptmxmode=0666,mode=0620") == -1)
		die("mount `devpts` on `/dev/pts`");
	if (mkdir("/dev/shm", 01777) == -1)
		die("mkdir `/dev/shm`");
	if (mount("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=1777,size=65536k") == -1)
		die("mount `shm` on `/dev/shm`");
}

/*
 * Make the device nodes with mknod(2) rather than bind-mounting the host's:
 * the host's /dev is gone after pivot_root, and as real root we may create
 * nodes (inside a user namespace we could not, and would have to bind).
 * mknod() applies our umask, so chmod() sets the mode we meant.
 */
static void make_dev_nodes(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dev_nodes); i++) {
		const struct dev_node *n = &dev_nodes[i];

		if (mknod(n->path, S_IFCHR | 0666,
			  makedev(n->major, n->minor)) == -1)
			die("mknod `%s`", n->path);
		if (chmod(n->path, 0666) == -1)
			die("chmod `%s`", n->path);
	}
	for (i = 0; i < ARRAY_SIZE(dev_links); i++)
		if (symlink(dev_links[i][0], dev_links[i][1]) == -1)
			die("symlink `%s`", dev_links[i][1]);
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

	make_mounts_private();
	enter_rootfs(cfg->rootfs);
	mount_proc();
	mount_sys();
	mount_dev();
	make_dev_nodes();
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
	return status;
}
