/*
 * 09-overlay: images and containers, and the verbs that manage them.
 *
 * New in this step (diff against 08-net): the image is no longer the
 * container's root. Each container gets a directory of its own under
 * containers/, and its root is an overlay mount: the image as the read-only
 * lower layer, the container's upper/ as the writable layer on top. Writes,
 * deletions (whiteouts) and renames land in upper/; the image never
 * changes, and two containers of one image never see each other's files.
 * A container is now a thing with an id, a name and a state file, which
 * outlives its command until `rm`. main() is restructured around docker's
 * verbs: run (08's options, plus --name, --rm, -d, -v, -e, --init), ps,
 * exec (setns(2) into a running container), logs, stop, rm, images and
 * import. run -d leaves a monitor behind that waits for the container and
 * cleans up after it. Commands start with a clean environment, as with
 * docker, not with the runtime's. Images come from elsewhere, so the host
 * side takes nothing on trust: mount points are opened inside the root
 * (openat2(2) RESOLVE_IN_ROOT), state values are escaped, an import is
 * root's alone, and removal works at any depth.
 *
 * Usage:   09-overlay run [OPTIONS] IMAGE [CMD [ARG...]]   (see --help)
 *          09-overlay ps [-a] | exec ID CMD [ARG...] | logs ID
 *          09-overlay stop [-t SECONDS] ID | rm [-f] ID... | images
 *          09-overlay import TARBALL NAME
 * Try it:  sudo ./bin/09-overlay run --name web -d busybox httpd -f -p 80
 *          sudo ./bin/09-overlay exec web ps
 * Exit:    run and exec: CMD's own status (137 when the OOM killer ended
 *          it); 128+N if signal N killed it; 125 if the runtime fails; 126
 *          if CMD cannot be run; 127 if it is not found. Other verbs: 0,
 *          or 125.
 * Man:     overlayfs (Documentation/filesystems/overlayfs.rst), setns(2),
 *          getrandom(2), rename(2), flock(2), pid_namespaces(7), tar(1),
 *          openat2(2), open_tree(2), move_mount(2)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <linux/magic.h>
#include <linux/veth.h>

#include "../common/err.h"
#include "../common/etc.h"
#include "../common/file.h"
#include "../common/image.h"
#include "../common/import.h"
#include "../common/lease.h"
#include "../common/netlink.h"
#include "../common/netns.h"
#include "../common/opt.h"
#include "../common/parse.h"
#include "../common/proc.h"
#include "../common/ps.h"
#include "../common/state.h"
#include "../common/store.h"
#include "../common/sync.h"
#include "../common/tree.h"

/*
 * Size of the child's stack: 1 MiB for what the child does itself, plus
 * room for a copy of the argument list, which execvp() builds on this
 * stack when the command is a script without "#!" (see the header).
 */
#define STACK_SIZE(argc) (1024 * 1024 + ((argc) + 2) * sizeof(char *))

/* The container's hostname, in its own UTS namespace. */
#define HOSTNAME "nutshell"

/*
 * Our containers' cgroups live in CGROUP_ROOT/nutshell/<runtime pid> (v2) or
 * CGROUP_ROOT/<controller>/nutshell/<runtime pid> (v1): at the top of the
 * tree, where docker's "cgroupfs" driver puts its containers, and so out of
 * the caller's cgroup and its limits. CPU_PERIOD is the CFS period in
 * microseconds: --cpus 0.5 allows 50000 us of CPU time in every 100000 us.
 */
#define CGROUP_ROOT "/sys/fs/cgroup"
#define CGROUP_PARENT "nutshell"
#define CPU_PERIOD 100000
#define PROC_PID_INIT_INO 0xEFFFFFFCU /* the initial PID namespace's inode */

/* The smallest memory limit docker accepts: less cannot start a shell. */
#define MIN_MEMORY (6 << 20)

/*
 * The bridge mode's network, docker's default network under names of our
 * own: every container is plugged into the bridge BRIDGE, whose address,
 * the first of SUBNET, is the containers' way out. 10.219.0.0/16 is outside
 * docker's ranges (172.17-31.0.0/16, 192.168.0.0/16), podman's (10.88/16)
 * and the usual home and office LANs (192.168.x, 10.0.x); NUTSHELL_BRIDGE
 * and NUTSHELL_SUBNET change them. Leases and the files a container gets
 * live under STATE_DIR, a tmpfs that a reboot clears, or NUTSHELL_STATE.
 */
#define BRIDGE "nutshell0"
#define SUBNET "10.219.0.0/16"
#define STATE_DIR "/run/nutshell"

/*
 * The host's end of a container's veth pair: VETH_PREFIX and the runtime's
 * pid. An interface name has IFNAMSIZ - 1 = 15 characters at most, and a
 * pid up to 7 digits (4194304, systemd's pid_max): "veth-host-<pid>" would
 * not fit, "nsh<pid>" always does (the build checks it). A runtime in
 * another PID namespace than the host's, whose pid may be another
 * runtime's too (name_cgroup()), asks for "nsn%d" instead: the kernel
 * puts in the first number free.
 */
#define VETH_PREFIX "nsh"
#define VETH_NUMBERED "nsn%d"
_Static_assert(sizeof(VETH_PREFIX "4194303") <= IFNAMSIZ, "a veth's name");
#define MAX_PUBLISH 16

/*
 * A container (common/store.h) is a directory of the store, named by a
 * 12-digit hexadecimal id, and a name, which defaults to the id. It holds
 * upper/ and work/ (overlayfs's), merged/ (the mount point of its root),
 * its /etc files, its environment, "state" and, with -d, "log".
 */
#define MAX_ENV 64
#define MAX_VOLUMES 16
#define STOP_TIMEOUT 10 /* seconds from SIGTERM to SIGKILL, docker's */
#define DEFAULT_PATH \
	"/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* --network: docker's three modes, and their names */
enum { NET_BRIDGE, NET_NONE, NET_HOST };
static const char *const net_modes[] = {"bridge", "none", "host", NULL};

/* The v1 hierarchies we use; v2 has a single tree for all of them. */
enum { V1_MEMORY, V1_CPU, V1_CPUACCT, V1_PIDS };
static const char *const v1_controllers[] = {
	[V1_MEMORY] = "memory",
	[V1_CPU] = "cpu",
	[V1_CPUACCT] = "cpuacct",
	[V1_PIDS] = "pids",
};

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

/* The new mount API (Linux 5.2), where glibc has no names for it yet. */
#ifndef OPEN_TREE_CLONE /* glibc before 2.36 */
#define OPEN_TREE_CLONE 1
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif

struct config {
	char **argv; /* the command to run and its arguments */
	char *rootfs; /* the directory that becomes the command's "/" */
	const char *hostname; /* the container's own hostname */
	struct limits { /* -m, --cpus, --pids-limit; 0: none */
		long long memory; /* memory limit in bytes */
		long long cpu_quota; /* microseconds of CPU per CPU_PERIOD */
		long long pids; /* most tasks at once */
	} limits;
	int cgroup_v2; /* 1: unified hierarchy, 0: v1 controllers */
	pid_t runtime; /* our pid: names the cgroup, guards the cleanup */
	char cgroup[48]; /* CGROUP_PARENT/<name_cgroup()> */
	int host_pids; /* in the initial PID namespace: our pid is the host's */
	pid_t child; /* the container's init, as the host sees it */
	int sync[2]; /* the child waits on it until it is in its cgroup */
	const char *state; /* STATE_DIR, or NUTSHELL_STATE */
	struct net {
		int mode; /* NET_BRIDGE (the default), NET_NONE, NET_HOST */
		const char *bridge; /* bridge mode: BRIDGE by default */
		struct in_addr subnet; /* bridge mode: its first address... */
		int prefix; /* ...and its length in bits: 16 for a /16 */
		struct in_addr gateway; /* the bridge's own address */
		char veth[IFNAMSIZ]; /* the host's end of the veth */
		char state[PATH_MAX]; /* STATE/net/<the namespace's inode> */
		struct lease lease; /* the container's address, while we run */
		struct publish {
			char proto[4]; /* tcp or udp */
			unsigned int host, port; /* host's, container's */
		} publish[MAX_PUBLISH]; /* -p HOST:PORT/PROTO */
		int npublish;
	} net;
	const char *image; /* IMAGE as the user typed it */
	char id[ID_LEN + 1]; /* random, hexadecimal */
	const char *name; /* --name, or the id */
	char dir[PATH_MAX]; /* CONTAINERS/<id> */
	char merged[PATH_MAX]; /* CONTAINERS/<id>/merged: the root */
	int detach, remove, init; /* -d, --rm, --init */
	char *env[MAX_ENV + 5]; /* the command's environment, NULL-ended */
	int nenv;
	struct volume {
		char *host; /* an existing directory of the host */
		char *path; /* where the container sees it */
		int ro; /* :ro, read-only */
	} volume[MAX_VOLUMES]; /* -v HOSTDIR:PATH[:ro] */
	int nvolume;
	int lock_fd; /* locked for as long as the runtime (monitor) runs */
	int log_fd; /* -d: the log, the command's stdout and stderr */
	int ready_fd; /* -d: "1" to the first half once the command runs */
	int exec_pipe[2]; /* -d: the child writes a byte if it fails */
	int start_err; /* -d: the child's stderr before the log, or -1 */
	int started; /* state says "running": keep the directory */
	time_t created;
};

/*
 * Wait until the parent has put us into our cgroup, then take a cgroup
 * namespace: unshared now, its root is the container's own cgroup, so
 * /proc/self/cgroup inside reads "/" (cloned with CLONE_NEWCGROUP, the root
 * would have been the runtime's cgroup, before the move). If the runtime
 * dies from now on, PR_SET_PDEATHSIG kills us, and with us, as PID 1, the
 * whole container; set before the wait, so no death goes unnoticed.
 */
static void wait_for_cgroup(struct config *cfg)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)
		die("prctl PR_SET_PDEATHSIG");
	if (sync_wait(cfg->sync) == -1)
		die("wait for the runtime to set up the cgroup");
	if (unshare(CLONE_NEWCGROUP) == -1)
		die("unshare CLONE_NEWCGROUP");
}

/*
 * `ip link set NAME up`: RTM_NEWLINK for a link that exists, IFF_UP set.
 * ip(8) sends the kernel netlink messages (rtnetlink(7)); so do we, with
 * the byte layout in common/. The fields of the messages are the lesson.
 */
static void set_link_up(int nl, const char *name)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC,
				.ifi_index = if_nametoindex(name),
				.ifi_flags = IFF_UP,
				.ifi_change = IFF_UP};
	struct nl_request req;

	if (ifi.ifi_index == 0)
		die("find link `%s`", name);
	nl_init(&req, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
	if (nl_send(nl, &req) == -1)
		die("set link `%s` up", name);
}

/* `ip addr add ADDRESS/PREFIX dev NAME`: RTM_NEWADDR. */
static void add_address(int nl, const char *name, struct in_addr address,
			int prefix)
{
	struct ifaddrmsg ifa = {.ifa_family = AF_INET,
				.ifa_prefixlen = prefix,
				.ifa_index = if_nametoindex(name)};
	struct nl_request req;

	if (ifa.ifa_index == 0)
		die("find link `%s`", name);
	nl_init(&req, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifa,
		sizeof(ifa));
	nl_add(&req, IFA_LOCAL, &address, sizeof(address));
	nl_add(&req, IFA_ADDRESS, &address, sizeof(address));
	if (nl_send(nl, &req) == -1)
		die("add address %s to `%s`", inet_ntoa(address), name);
}

/* `ip route add default via GATEWAY`: RTM_NEWROUTE to 0.0.0.0/0. */
static void add_default_route(int nl, struct in_addr gateway)
{
	struct rtmsg rtm = {.rtm_family = AF_INET,
			    .rtm_table = RT_TABLE_MAIN,
			    .rtm_protocol = RTPROT_BOOT,
			    .rtm_scope = RT_SCOPE_UNIVERSE,
			    .rtm_type = RTN_UNICAST};
	struct nl_request req;

	nl_init(&req, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &rtm,
		sizeof(rtm));
	nl_add(&req, RTA_GATEWAY, &gateway, sizeof(gateway));
	if (nl_send(nl, &req) == -1)
		die("add default route via %s", inet_ntoa(gateway));
}

/*
 * In the child, in its new network namespace: it holds only "lo", and lo
 * is down, so not even 127.0.0.1 answers. Bring it up; in bridge mode give
 * eth0, which the runtime has put here, its address, bring it up, and
 * send everything else to the bridge. Done from here, before the root
 * changes, so the image needs no ip binary.
 */
static void configure_network(const struct config *cfg)
{
	int nl;

	if (cfg->net.mode == NET_HOST)
		return;
	nl = nl_open();
	if (nl == -1)
		die("socket NETLINK_ROUTE");
	set_link_up(nl, "lo");
	if (cfg->net.mode == NET_BRIDGE) {
		add_address(nl, "eth0", cfg->net.lease.address,
			    cfg->net.prefix);
		set_link_up(nl, "eth0");
		add_default_route(nl, cfg->net.gateway);
	}
	close(nl);
}

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

/*
 * /etc/hosts, /etc/hostname and /etc/resolv.conf, as docker gives them:
 * files the runtime writes into the container's directory, bind-mounted
 * over the image's, which stay as they are. If the image has no such file,
 * the empty one made to mount on lands in the container's upper layer (an
 * open() that does not write copies nothing up).
 */
static void mount_etc_files(const struct config *cfg)
{
	char from[PATH_MAX], to[PATH_MAX], on[32];
	size_t i;
	int fd;

	if (write_etc_files(cfg->dir, cfg->hostname,
			    cfg->net.mode == NET_BRIDGE
				    ? &cfg->net.lease.address
				    : NULL,
			    cfg->net.mode == NET_HOST) == -1)
		die("write the container's /etc files in `%s`", cfg->dir);
	close(mount_point(cfg->merged, "etc", 1, on));
	for (i = 0; i < ARRAY_SIZE(etc_files); i++) {
		if (pathf(from, "%s/%s", cfg->dir, etc_files[i]) == -1 ||
		    pathf(to, "etc/%s", etc_files[i]) == -1)
			die("path of `%s`", etc_files[i]);
		fd = mount_point(cfg->merged, to, 0, on);
		if (mount(from, on, NULL, MS_BIND, NULL) == -1)
			die("mount `%s` on `/etc/%s`", from, etc_files[i]);
		close(fd);
	}
}

/*
 * The container's root: an overlay of its own writable layer on the
 * read-only image. lowerdir is the image; upperdir receives every change;
 * workdir is overlayfs's scratch space, on upperdir's filesystem, and one
 * per container: the kernel marks both in use, and a second mount on them
 * fails with EBUSY (with index=on) or is merely warned about in dmesg,
 * and then both mounts behave in undefined ways. Mounted in the child's
 * mount namespace: the host never sees it, and it goes away with the
 * container's last process.
 */
static void mount_overlay(const struct config *cfg)
{
	char options[3 * PATH_MAX];

	if (snprintf(options, sizeof(options),
		     "lowerdir=%s,upperdir=%s/upper,workdir=%s/work",
		     cfg->rootfs, cfg->dir, cfg->dir) >= (int)sizeof(options))
		diex("overlay options for `%s` are too long", cfg->dir);
	if (mount("overlay", cfg->merged, "overlay", 0, options) == -1)
		die("mount `overlay` on `%s` (lowerdir `%s`)", cfg->merged,
		    cfg->rootfs);
}

/*
 * -v HOSTDIR:PATH[:ro]: bind a host directory into the root, before the
 * pivot, while the host's tree is in view. PATH is made, in the upper
 * layer, where the image lacks it; never through a symlink of the image
 * (mount_point()). The bind is recursive, so the host's mounts below
 * HOSTDIR come along, and :ro must reach them too: a remount with
 * MS_RDONLY changes the top mount only, and sets its every flag anew. So
 * the tree is cloned detached (open_tree(2) OPEN_TREE_CLONE, what a bind
 * does), mount_setattr(2) with AT_RECURSIVE (Linux 5.12; no glibc wrapper
 * before 2.36) sets ATTR on all of it and no other, and move_mount(2)
 * attaches it on the mount point's descriptor.
 */
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#endif
/* mount_setattr(2) of a detached tree and of every mount below it: set
 * attr, clear none. 0, or -1 with errno set. */
static int set_tree_attr(int tree, unsigned long long attr)
{
	struct {
		unsigned long long attr_set, attr_clr, propagation, userns_fd;
	} ma = {.attr_set = attr};

	return syscall(SYS_mount_setattr, tree, "",
		       AT_EMPTY_PATH | AT_RECURSIVE, &ma, sizeof(ma));
}

/* Each -v: its mount point opened, the host's tree cloned and set, then
 * moved onto the mount point's descriptor. */
static void mount_volumes(const struct config *cfg)
{
	char on[32];
	int i, fd, tree;

	for (i = 0; i < cfg->nvolume; i++) {
		const struct volume *v = &cfg->volume[i];

		fd = mount_point(cfg->merged, v->path + 1, 1, on);
		tree = syscall(SYS_open_tree, AT_FDCWD, v->host,
			       OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
				       AT_RECURSIVE);
		if (tree == -1)
			die("bind `%s`", v->host);
		if (v->ro && set_tree_attr(tree, MOUNT_ATTR_RDONLY) == -1)
			die("make `%s` read-only", v->path);
		if (syscall(SYS_move_mount, tree, "", fd, "",
			    MOVE_MOUNT_F_EMPTY_PATH |
				    MOVE_MOUNT_T_EMPTY_PATH) == -1)
			die("mount `%s` on `%s`", v->host, v->path);
		close(tree);
		close(fd);
	}
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
 * statfs() on the cgroup mount point tells the kind of tree: cgroup2 there
 * means the unified v2 hierarchy. Anything else (a tmpfs holding one mount
 * per v1 controller) means v1. That includes a "hybrid" host: a controller
 * lives in one hierarchy at a time, and there memory, cpu and pids are in
 * the v1 trees, not in the extra cgroup2 tree at /sys/fs/cgroup/unified.
 */
static int cgroup_is_v2(void)
{
	struct statfs st;

	if (statfs(CGROUP_ROOT, &st) == -1)
		die("statfs `%s`", CGROUP_ROOT);
	return st.f_type == CGROUP2_SUPER_MAGIC;
}

/* How many trees hold our cgroup: v2 one, v1 one per controller. */
static size_t cgroup_trees(const struct config *cfg)
{
	return cfg->cgroup_v2 ? 1 : ARRAY_SIZE(v1_controllers);
}

/*
 * CGROUP_ROOT/[controller of tree i/]name/file into buf (PATH_MAX bytes).
 * name is CGROUP_PARENT or the container's CGROUP_PARENT/<id>; file may be
 * "" for the directory itself.
 */
static char *cgroup_path(char *buf, const struct config *cfg, size_t i,
			 const char *name, const char *file)
{
	int n;

	if (cfg->cgroup_v2)
		n = snprintf(buf, PATH_MAX, "%s/%s/%s", CGROUP_ROOT, name,
			     file);
	else
		n = snprintf(buf, PATH_MAX, "%s/%s/%s/%s", CGROUP_ROOT,
			     v1_controllers[i], name, file);
	if (n < 0 || n >= PATH_MAX)
		diex("cgroup path of `%s` is too long", name);
	return buf;
}

/*
 * A runtime killed with SIGKILL cannot remove its cgroup (its container
 * died with it, by PR_SET_PDEATHSIG). Such cgroups are named after a pid
 * that no longer runs, or that is ours now: remove them. rmdir() fails with
 * EBUSY for a cgroup that still has processes, which we leave alone, and
 * with ENOENT if its runtime has just removed it itself. Only the initial
 * PID namespace sees every pid: from another (unshare -p, a container), a
 * runtime that is starting, its cgroup still empty, would look dead. A
 * name that is not a pid (atoi() gives 0) is left alone.
 */
static void remove_stale_cgroups(const struct config *cfg)
{
	char dir[PATH_MAX];
	struct dirent *e;
	size_t i;
	DIR *d;

	if (!cfg->host_pids)
		return;
	for (i = 0; i < cgroup_trees(cfg); i++) {
		d = opendir(cgroup_path(dir, cfg, i, CGROUP_PARENT, ""));
		if (d == NULL)
			continue; /* no parent yet: nothing can be stale */
		while ((e = readdir(d)) != NULL) {
			pid_t id = atoi(e->d_name);

			if (e->d_type != DT_DIR || id <= 0 ||
			    (id != cfg->runtime && kill(id, 0) == 0))
				continue;
			if (unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR) == -1 &&
			    errno != EBUSY && errno != ENOENT)
				warn("rmdir stale `%s%s`", dir, e->d_name);
		}
		closedir(d);
	}
}

/*
 * mkdir() makes a cgroup; the kernel fills it with control files. On v2 a
 * controller's files appear in a cgroup only if its parent enabled it in
 * cgroup.subtree_control, all the way down from the root. Our parent holds
 * no processes itself: v2's "no internal processes" rule forbids it in a
 * cgroup that hands controllers down to children.
 * One try in tree i; -1 if our parent vanished on the way: another
 * runtime removes it when its last container ends. The call then fails
 * with ENOENT, or ENODEV for a file of a removed cgroup.
 */
static int try_create_cgroup(const struct config *cfg, size_t i)
{
	char parent[PATH_MAX], path[PATH_MAX];
	int err;

	cgroup_path(parent, cfg, i, CGROUP_PARENT, "");
	if (mkdir(parent, 0755) == -1 && errno != EEXIST)
		die("mkdir `%s`", parent);
	cgroup_path(path, cfg, i, CGROUP_PARENT, "cgroup.subtree_control");
	if (cfg->cgroup_v2 && write_file(path, "+memory +cpu +pids") == -1) {
		err = errno;
		if (access(parent, F_OK) == -1)
			return -1;
		errno = err;
		die("enable memory, cpu, pids in `%s`", path);
	}
	/*
	 * On many v1 hosts cpu and cpuacct are one mount ("cpu,cpuacct", the
	 * two names being symlinks to it): the cpuacct cgroup then exists.
	 */
	cgroup_path(path, cfg, i, cfg->cgroup, "");
	if (mkdir(path, 0755) == 0 ||
	    (errno == EEXIST && !cfg->cgroup_v2 && i == V1_CPUACCT))
		return 0;
	if (errno == ENOENT)
		return -1;
	die("mkdir `%s`", path);
}

static void create_cgroup(const struct config *cfg)
{
	const char *root = CGROUP_ROOT "/cgroup.subtree_control";
	int tries;
	size_t i;

	if (cfg->cgroup_v2 && write_file(root, "+memory +cpu +pids") == -1)
		die("enable memory, cpu, pids in `%s`", root);
	for (i = 0; i < cgroup_trees(cfg); i++)
		for (tries = 0; try_create_cgroup(cfg, i) == -1; tries++)
			if (tries == 100)
				diex("parent cgroup `%s` keeps vanishing",
				     CGROUP_PARENT);
}

/* Write one limit to a file of the container's cgroup; tree is a V1_*
 * index, ignored on v2, which has a single tree. */
static void set_limit(const struct config *cfg, size_t tree, const char *file,
		      long long value)
{
	char path[PATH_MAX];

	if (write_file(cgroup_path(path, cfg, tree, cfg->cgroup, file), "%lld",
		       value) == -1)
		die("write %lld to `%s`", value, path);
}

/* memory, and swap too where the kernel accounts it */
static void set_memory_limit(const struct config *cfg)
{
	char path[PATH_MAX];
	const char *swap;

	set_limit(cfg, V1_MEMORY,
		  cfg->cgroup_v2 ? "memory.max" : "memory.limit_in_bytes",
		  cfg->limits.memory);
	/* absent when the kernel does not account swap */
	swap = cfg->cgroup_v2 ? "memory.swap.max"
			      : "memory.memsw.limit_in_bytes";
	cgroup_path(path, cfg, V1_MEMORY, cfg->cgroup, swap);
	if (access(path, F_OK) == 0)
		set_limit(cfg, V1_MEMORY, swap,
			  cfg->cgroup_v2 ? 0 : cfg->limits.memory);
}

/*
 * memory: swap is capped too (v2 memory.swap.max 0; v1 memory+swap equal
 * to memory), or a hog would move out to swap instead of meeting the OOM
 * killer. cpu: a quota of CPU time per period, summed over all CPUs.
 * pids: tasks, that is processes and threads, at any one time.
 */
static void set_cgroup_limits(const struct config *cfg)
{
	const struct limits *lim = &cfg->limits;
	char path[PATH_MAX];

	if (lim->memory > 0)
		set_memory_limit(cfg);
	if (lim->cpu_quota > 0 && cfg->cgroup_v2) {
		cgroup_path(path, cfg, V1_CPU, cfg->cgroup, "cpu.max");
		if (write_file(path, "%lld %d", lim->cpu_quota, CPU_PERIOD) ==
		    -1)
			die("write `%s`", path);
	} else if (lim->cpu_quota > 0) {
		set_limit(cfg, V1_CPU, "cpu.cfs_period_us", CPU_PERIOD);
		set_limit(cfg, V1_CPU, "cpu.cfs_quota_us", lim->cpu_quota);
	}
	if (lim->pids > 0)
		set_limit(cfg, V1_PIDS, "pids.max", lim->pids);
}

/*
 * Move the child into the cgroup (into every tree, on v1) by writing its
 * pid to cgroup.procs. The child is still blocked on the sync pipe: it has
 * run nothing of its own, so all it will ever run is counted and limited.
 */
static void join_cgroup(const struct config *cfg)
{
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < cgroup_trees(cfg); i++)
		if (write_file(cgroup_path(path, cfg, i, cfg->cgroup,
					   "cgroup.procs"),
			       "%d", (int)cfg->child) == -1)
			die("write pid %d to `%s`", (int)cfg->child, path);
}

/*
 * Once the container's init is reaped, remove its cgroup. The kernel may
 * still be tearing down its other processes (the PID namespace killed them
 * with it): rmdir() fails with EBUSY until they are gone, so retry for up to
 * two seconds. Then remove our parent too, unless another container is in
 * it. Never exits, as it also runs from atexit(); -1 if a cgroup stayed.
 */
static int remove_cgroup(const struct config *cfg)
{
	char path[PATH_MAX];
	int tries, ret = 0;
	size_t i;

	for (i = 0; i < cgroup_trees(cfg); i++) {
		cgroup_path(path, cfg, i, cfg->cgroup, "");
		for (tries = 0; rmdir(path) == -1 && errno == EBUSY; tries++)
			if (tries == 200 || usleep(10000) == -1)
				break;
		if (access(path, F_OK) == 0) {
			warn("rmdir `%s`", path);
			ret = -1;
		}
		/* fails, as it should, while other containers run */
		rmdir(cgroup_path(path, cfg, i, CGROUP_PARENT, ""));
	}
	return ret;
}

/*
 * `iptables -t nat -A|-D PREROUTING -p PROTO --dport HOST -m addrtype
 * --dst-type LOCAL -j DNAT --to-destination ADDRESS:PORT`: a packet for a
 * port of the host is sent to the container instead (a published port,
 * docker's -p). Run without a shell: nothing in it is ever parsed again.
 */
static int dnat(const char *action, const struct publish *p,
		struct in_addr address)
{
	char host[8], to[32];
	/* a rule as it would be typed, a word at a time */
	/* clang-format off */
	const char *rule[] = {"iptables", "-w", "-t", "nat", action,
		"PREROUTING", "-p", p->proto, "--dport", host,
		"-m", "addrtype", "--dst-type", "LOCAL",
		"-m", "comment", "--comment", "nutshell",
		"-j", "DNAT", "--to-destination", to, NULL};
	/* clang-format on */

	snprintf(host, sizeof(host), "%u", p->host);
	snprintf(to, sizeof(to), "%s:%u", inet_ntoa(address), p->port);
	return runv(rule, action[1] == 'D');
}

/*
 * Leases (common/lease.h): an address per running runtime, each a file
 * in NET/<bridge>/ that its runtime keeps locked while it runs; a lease
 * we can lock is free, whatever its file says, and one address never
 * goes to two running containers, even when twenty start at once.
 * (Random addresses would collide: see the chapter.) A lease's file
 * records the ports its runtime published, "tcp 8080 80" a line: if a
 * SIGKILL leaves no time to remove their rules, whoever frees the lease
 * next does (undo_ports()).
 */
static void undo_ports(const char *record, struct in_addr address)
{
	struct publish p;
	int i, len;

	for (i = 0, len = 0; sscanf(record + len, "%3s %u %u\n%n", p.proto,
				    &p.host, &p.port, &i) == 3;
	     len += i)
		dnat("-D", &p, address);
}

/* The leases' directory, NET/<bridge>, into dir (PATH_MAX bytes). */
static char *leases_dir(const struct config *cfg, char *dir)
{
	if (pathf(dir, "%s/%s", cfg->net.state, cfg->net.bridge) == -1)
		die("path of the leases");
	return dir;
}

/* Free the leases of killed runtimes, then take the first free address
 * of the subnet, after the bridge's own, with our ports in its record. */
static void lease_address(struct config *cfg)
{
	unsigned int first = ntohl(cfg->net.gateway.s_addr) + 1,
		     last = ntohl(cfg->net.subnet.s_addr) +
			    (1u << (32 - cfg->net.prefix)) - 2;
	char dir[PATH_MAX], record[1024] = "";
	int i, len, ret;

	for (i = 0, len = 0; i < cfg->net.npublish; i++)
		len += snprintf(record + len, sizeof(record) - len,
				"%s %u %u\n", cfg->net.publish[i].proto,
				cfg->net.publish[i].host,
				cfg->net.publish[i].port);
	ret = lease_take(&cfg->net.lease, leases_dir(cfg, dir), first, last,
			 record, undo_ports);
	if (ret == -1)
		die("lease an address in `%s`", dir);
	if (ret == 0)
		diex("no free address left in %s/%d",
		     inet_ntoa(cfg->net.subnet), cfg->net.prefix);
}

/*
 * Add a rule given with -C, the check, unless iptables finds it there
 * already: never twice. 0, or -1 if iptables is not there or fails (its
 * message then comes first): containers still reach the host and each
 * other, and one line says so.
 */
static int add_rule(const char **rule)
{
	int status = runv(rule, 1);

	rule[4] = "-I";
	if (status == 0 || (status != 127 && runv(rule, 0) == 0))
		return 0;
	warnx("iptables %s: no NAT, containers reach the host and each other "
	      "only",
	      status == 127 ? "not found" : "failed");
	return -1;
}

/*
 * Beyond the host, through NAT: packets from the subnet leave with the
 * host's address (MASQUERADE) and the answers find their way back. The
 * FORWARD chain must let them pass: docker sets its policy to DROP, so we
 * insert ACCEPT rules for what comes from the bridge, and for answers and
 * published ports (conntrack's DNAT state) going to it, but not for new
 * connections from outside.
 */
static void setup_nat(const struct config *cfg)
{
	char subnet[32];
	/* a rule as it would be typed, a word at a time */
	/* clang-format off */
	const char *masquerade[] = {"iptables", "-w", "-t", "nat", "-C",
		"POSTROUTING", "-s", subnet, "!", "-o", cfg->net.bridge,
		"-m", "comment", "--comment", "nutshell", "-j", "MASQUERADE",
		NULL};
	const char *out[] = {"iptables", "-w", "-t", "filter", "-C",
		"FORWARD", "-i", cfg->net.bridge,
		"-m", "comment", "--comment", "nutshell", "-j", "ACCEPT", NULL};
	const char *in[] = {"iptables", "-w", "-t", "filter", "-C",
		"FORWARD", "-o", cfg->net.bridge,
		"-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED,DNAT",
		"-m", "comment", "--comment", "nutshell", "-j", "ACCEPT", NULL};
	/* clang-format on */
	const char **rules[] = {masquerade, out, in};
	size_t i;

	snprintf(subnet, sizeof(subnet), "%s/%d", inet_ntoa(cfg->net.subnet),
		 cfg->net.prefix);
	for (i = 0; i < ARRAY_SIZE(rules); i++)
		if (add_rule(rules[i]) == -1)
			return;
}

/* `ip link add BRIDGE type bridge`, its address, and up. */
static void create_bridge(const struct config *cfg, int nl)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC};
	struct nl_request req;
	struct rtattr *linkinfo;

	nl_init(&req, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi,
		sizeof(ifi));
	nl_add_str(&req, IFLA_IFNAME, cfg->net.bridge);
	linkinfo = nl_begin(&req, IFLA_LINKINFO);
	nl_add_str(&req, IFLA_INFO_KIND, "bridge");
	nl_end(&req, linkinfo);
	if (nl_send(nl, &req) == -1)
		die("create bridge `%s`", cfg->net.bridge);
	add_address(nl, cfg->net.bridge, cfg->net.gateway, cfg->net.prefix);
	set_link_up(nl, cfg->net.bridge);
}

/*
 * The bridge, a virtual switch on the host whose address is the
 * containers' way out. Made on first use, as docker makes docker0 when its
 * daemon starts: `ip link add BRIDGE type bridge`, its address, up, and
 * NAT; under a lock, so that of many runtimes starting at once one makes
 * it and the others find it ready. Forwarding between interfaces is off
 * on most hosts (and so in a new network namespace, which starts with
 * the host's setting): on, at every run.
 */
static void setup_bridge(const struct config *cfg, int nl)
{
	char lock[PATH_MAX];
	int fd;

	if (pathf(lock, "%s/%s.lock", cfg->net.state, cfg->net.bridge) == -1)
		die("path of the bridge's lock");
	fd = lock_wait(lock);
	if (fd == -1)
		die("lock `%s`", lock);
	if (if_nametoindex(cfg->net.bridge) == 0) {
		create_bridge(cfg, nl);
		setup_nat(cfg);
	}
	/* as it was, for cleanup --network to put back with the bridge */
	if (save_forwarding(cfg->net.state) == -1)
		die("save ip_forward in `%s`", cfg->net.state);
	close(fd); /* and with it the lock */
	if (write_file("/proc/sys/net/ipv4/ip_forward", "1") == -1)
		die("enable IPv4 forwarding");
}

/*
 * The network's state belongs to the network namespace whose bridge,
 * addresses and rules it is about: NET is STATE/net/<the namespace's
 * inode number>. A second namespace, a test's or an `ip netns exec`
 * one's, has a bridge and leases of its own, and never judges ours.
 */
static void find_net_state(struct config *cfg)
{
	cfg->state = getenv_or("NUTSHELL_STATE", STATE_DIR);
	if (netns_dir(cfg->net.state, cfg->state) == -1)
		die("path of the network's state in `%s`", cfg->state);
}

/*
 * Bridge mode's settings, from the environment or else the defaults: the
 * bridge's name (NUTSHELL_BRIDGE), the subnet (NUTSHELL_SUBNET) and, its
 * first address, the bridge's own, the containers' gateway. And the name
 * of our veth: nsh<our pid>, or the kernel's next nsnN where a pid of
 * ours would not be unique (see setup_cgroup()).
 */
static void read_bridge_settings(struct config *cfg)
{
	const char *subnet = getenv_or("NUTSHELL_SUBNET", SUBNET);

	cfg->net.bridge = getenv_or("NUTSHELL_BRIDGE", BRIDGE);
	if (strlen(cfg->net.bridge) >= IFNAMSIZ ||
	    strchr(cfg->net.bridge, '/') || cfg->net.bridge[0] == '.')
		diex("NUTSHELL_BRIDGE `%s`: not an interface name",
		     cfg->net.bridge);
	if (parse_cidr(subnet, &cfg->net.subnet, &cfg->net.prefix) == -1)
		diex("NUTSHELL_SUBNET `%s`: expected a network such as %s",
		     subnet, SUBNET);
	cfg->net.gateway.s_addr = htonl(ntohl(cfg->net.subnet.s_addr) + 1);
	if (cfg->host_pids)
		snprintf(cfg->net.veth, sizeof(cfg->net.veth), "%s%d",
			 VETH_PREFIX, (int)cfg->runtime);
	else
		snprintf(cfg->net.veth, sizeof(cfg->net.veth), "%s",
			 VETH_NUMBERED);
}

/*
 * Everything the network needs before the child may start, in bridge
 * mode: the runtime's state directory, only root's, the bridge, and an
 * address.
 */
static void setup_network(struct config *cfg)
{
	char dir[PATH_MAX];
	int nl;

	find_net_state(cfg);
	if (cfg->net.mode != NET_BRIDGE)
		return;
	read_bridge_settings(cfg);
	if (ensure_dir(cfg->state, 0700) == -1 ||
	    pathf(dir, "%s/net", cfg->state) == -1 ||
	    ensure_dir(dir, 0700) == -1 ||
	    ensure_dir(cfg->net.state, 0700) == -1 ||
	    pathf(dir, "%s/%s", cfg->net.state, cfg->net.bridge) == -1 ||
	    ensure_dir(dir, 0700) == -1)
		die("mkdir `%s`", dir);
	nl = nl_open();
	if (nl == -1)
		die("socket NETLINK_ROUTE");
	setup_bridge(cfg, nl);
	close(nl);
	lease_address(cfg);
}

/* -p: a DNAT rule a port (dnat()), from the host's to the container's. */
static void publish_ports(const struct config *cfg)
{
	int i;

	for (i = 0; i < cfg->net.npublish; i++)
		if (dnat("-A", &cfg->net.publish[i], cfg->net.lease.address) !=
		    0)
			diex("publish port %u: iptables failed",
			     cfg->net.publish[i].host);
}

/*
 * One request makes a veth pair, a cable with two ends, puts one end on
 * the bridge and up, and the other into the child's namespace as eth0:
 * `ip link add nsh<pid> master BRIDGE up type veth peer name eth0 netns
 * <child>`.
 */
static void add_veth(const struct config *cfg, int nl)
{
	struct ifinfomsg ifi = {.ifi_family = AF_UNSPEC,
				.ifi_flags = IFF_UP,
				.ifi_change = IFF_UP};
	struct ifinfomsg peer = {.ifi_family = AF_UNSPEC};
	struct rtattr *linkinfo, *data, *end;
	struct nl_request req;

	nl_init(&req, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi,
		sizeof(ifi));
	nl_add_str(&req, IFLA_IFNAME, cfg->net.veth);
	nl_add_u32(&req, IFLA_MASTER, if_nametoindex(cfg->net.bridge));
	linkinfo = nl_begin(&req, IFLA_LINKINFO);
	nl_add_str(&req, IFLA_INFO_KIND, "veth");
	data = nl_begin(&req, IFLA_INFO_DATA);
	end = nl_begin(&req, VETH_INFO_PEER);
	nl_put(&req, &peer, sizeof(peer));
	nl_add_str(&req, IFLA_IFNAME, "eth0");
	nl_add_u32(&req, IFLA_NET_NS_PID, cfg->child);
	nl_end(&req, end);
	nl_end(&req, data);
	nl_end(&req, linkinfo);
	if (nl_send(nl, &req) == -1)
		die("create veth `%s` on `%s`", cfg->net.veth, cfg->net.bridge);
}

/*
 * In the parent, once the child exists and before it may go on: the
 * container's veth, then the published ports.
 */
static void connect_container(const struct config *cfg)
{
	int nl;

	if (cfg->net.mode != NET_BRIDGE)
		return;
	nl = nl_open();
	if (nl == -1)
		die("socket NETLINK_ROUTE");
	add_veth(cfg, nl);
	close(nl);
	publish_ports(cfg);
}

/*
 * When the container is gone, or the runtime fails half-way: its ports
 * and its lease. Its veth and its /etc files went with its namespaces.
 */
static void release_network(struct config *cfg)
{
	int i;

	if (cfg->net.lease.fd != -1) {
		for (i = 0; i < cfg->net.npublish; i++)
			dnat("-D", &cfg->net.publish[i],
			     cfg->net.lease.address);
		if (lease_release(&cfg->net.lease) == -1)
			warn("unlink `%s`", cfg->net.lease.path);
	}
}

/*
 * die() calls exit(), which runs this: if the runtime fails half-way, kill
 * and reap the container and remove its cgroup. The child inherits atexit
 * handlers too; only the runtime itself may clean up.
 */
static struct config *cleanup_cfg;

static void cleanup_on_exit(void)
{
	struct config *cfg = cleanup_cfg;

	/* the child, failing before its exec: tell the monitor (-d) */
	if (cfg != NULL && getpid() != cfg->runtime &&
	    cfg->exec_pipe[1] != -1 && write(cfg->exec_pipe[1], "!", 1) == -1)
		return;
	if (cfg == NULL || getpid() != cfg->runtime)
		return;
	if (cfg->child > 0 && kill(cfg->child, SIGKILL) == 0)
		waitpid(cfg->child, NULL, 0);
	remove_cgroup(cfg);
	release_network(cfg);
	/* a container that never ran is not kept: no half-made directory */
	if (!cfg->started && remove_tree_last(cfg->dir, "state") == -1)
		warn("remove `%s`", cfg->dir);
}

/*
 * Name our cgroup after our pid: a later run judges by that pid whether
 * we still run (remove_stale_cgroups()). Only in the initial PID namespace
 * is a pid the host's, and so unique. In another (unshare -p, a container)
 * it may be another namespace's pid too: the first process of each is 1.
 * There the name also holds our PID namespace's inode, "ns<inode>-<pid>".
 * No runtime sweeps such a name; scripts/cleanup does once no process of
 * that namespace is left.
 */
static void name_cgroup(struct config *cfg)
{
	struct stat ns;

	if (stat("/proc/self/ns/pid", &ns) == -1)
		die("stat `/proc/self/ns/pid`");
	cfg->host_pids = ns.st_ino == PROC_PID_INIT_INO;
	if (cfg->host_pids)
		snprintf(cfg->cgroup, sizeof(cfg->cgroup), "%s/%d",
			 CGROUP_PARENT, (int)cfg->runtime);
	else
		snprintf(cfg->cgroup, sizeof(cfg->cgroup), "%s/ns%u-%d",
			 CGROUP_PARENT, (unsigned)ns.st_ino, (int)cfg->runtime);
}

/*
 * Everything the parent does before the child may start: name the cgroup
 * (name_cgroup()), find the kind of cgroup tree, sweep away what killed
 * runtimes left behind, then make the cgroup and write its limits.
 */
static void setup_cgroup(struct config *cfg)
{
	cfg->runtime = getpid();
	name_cgroup(cfg);
	cfg->cgroup_v2 = cgroup_is_v2();
	remove_stale_cgroups(cfg);
	create_cgroup(cfg);
	set_cgroup_limits(cfg);
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
 * --init. PID 1 of a PID namespace is special: the kernel gives it no
 * default signal actions (a signal it has no handler for is dropped, so a
 * command that installs none ignores Ctrl-C and `stop`), and every orphan
 * of the namespace becomes its child (unless it waits for them, they stay
 * zombies). A shell or a server is not written for that job. With --init
 * the child stays behind as a tiny init, as docker's --init (tini) does:
 * the command runs as PID 2, the init passes signals on to it, reaps
 * whatever ends, and exits with the command's status once it is gone.
 * The signals it passes on are blocked from the child's start until it
 * has its handlers: none is lost, early or not. The init is our code, not
 * an exec: it wipes the runtime's arguments (but its name) and environment
 * from its memory, where /proc/1/cmdline and /proc/1/environ would show
 * them (-e values, host paths, tokens) to the container.
 */
static pid_t init_child;
static char **runtime_argv; /* main()'s, for run_init() to wipe */
static sigset_t init_signals;

static void pass_signal(int sig)
{
	kill(init_child, sig);
}

/* The init's child, PID 2: the command, with the signals let through. */
static void start_command(struct config *cfg, char **cmd)
{
	init_child = fork();
	if (init_child == -1)
		die("fork the command");
	if (init_child == 0) {
		if (sigprocmask(SIG_UNBLOCK, &init_signals, NULL) == -1)
			die("sigprocmask");
		execvp(cmd[0], cmd);
		if (cfg->start_err != -1)
			dup2(cfg->start_err, 2);
		die_exec(cmd[0]);
	}
	if (cfg->exec_pipe[1] != -1) { /* -d: the command's exec tells */
		close(cfg->exec_pipe[1]);
		close(cfg->start_err);
		cfg->exec_pipe[1] = -1;
	}
}

/* The init's work: reap whatever ends, orphans included, and end with the
 * command's status (128 + N for signal N) once the command has ended. */
static void reap_until_command_ends(void)
{
	int status;
	pid_t pid;

	for (;;) {
		pid = wait(&status);
		if (pid == -1 && errno == EINTR)
			continue;
		if (pid == -1)
			die("wait");
		if (pid == init_child)
			exit(WIFSIGNALED(status) ? 128 + WTERMSIG(status)
						 : WEXITSTATUS(status));
	}
}

/* --init, in the child: the runtime's traces wiped from its memory and
 * its descriptors closed, the signals passed on, the command started as
 * its child; then it reaps until the command ends. */
static void run_init(struct config *cfg)
{
	struct sigaction pass = {.sa_handler = pass_signal};
	char **cmd;
	int sig;

	cmd = wipe_args(cfg->argv, runtime_argv);
	if (cmd == NULL)
		die("copy the command");
	environ = cfg->env;
	close(cfg->lock_fd); /* the runtime's, not the container's */
	if (cfg->net.lease.fd != -1)
		close(cfg->net.lease.fd);
	for (sig = 1; sig < NSIG; sig++)
		if (sigismember(&init_signals, sig) == 1 &&
		    sigaction(sig, &pass, NULL) == -1)
			die("sigaction %d", sig);
	start_command(cfg, cmd);
	if (sigprocmask(SIG_UNBLOCK, &init_signals, NULL) == -1)
		die("sigprocmask");
	reap_until_command_ends();
}

/* -d: the command's stdout and stderr to the log; our stderr kept aside
 * (start_err), for an exec that fails to be told to `run -d`. */
static void redirect_to_log(struct config *cfg)
{
	if (cfg->log_fd != -1 &&
	    ((cfg->start_err = fcntl(2, F_DUPFD_CLOEXEC, 3)) == -1 ||
	     dup2(cfg->log_fd, 1) == -1 || dup2(cfg->log_fd, 2) == -1))
		die("dup2 the log");
}

/*
 * The child turns itself into the command. execvp() searches PATH like a
 * shell does and only returns if it failed; die_exec() then exits with 127
 * (not found) or 126 (found but not executable), as env(1) and docker do.
 * The command gets the environment docker gives, not the runtime's. With
 * -d its output goes to the log; until then, our errors reach the
 * terminal of `run -d`, which waits for them.
 */
static int child(void *arg)
{
	struct config *cfg = arg;

	if (cfg->init && sigprocmask(SIG_BLOCK, &init_signals, NULL) == -1)
		die("sigprocmask");
	wait_for_cgroup(cfg);
	configure_network(cfg);
	make_mounts_private();
	mount_overlay(cfg);
	mount_etc_files(cfg);
	mount_volumes(cfg);
	enter_rootfs(cfg->merged);
	mount_proc();
	mount_sys();
	mount_dev();
	make_dev_nodes();
	set_hostname(cfg->hostname);
	redirect_to_log(cfg);
	if (cfg->init)
		run_init(cfg);
	environ = cfg->env;
	execvp(cfg->argv[0], cfg->argv);
	if (cfg->start_err != -1) /* -d: `run -d` says it, not the log */
		dup2(cfg->start_err, 2);
	die_exec(cfg->argv[0]);
}

/* The verbs, defined with main() at the end, once they are. */
struct verb {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage; /* its arguments, and what it does */
};
static const struct verb verbs[8];

/*
 * A mistake gets one line on stderr and 125, as every error does; -h and
 * --help print the whole usage on stdout and exit 0, as users expect.
 */
__attribute__((noreturn)) static void usage(int status)
{
	size_t i;

	if (status != 0) {
		fprintf(stderr,
			"usage: %s run [OPTIONS] IMAGE [CMD [ARG...]], or ps, "
			"exec, logs, stop, rm, images, import (see --help)\n",
			program_invocation_short_name);
		exit(status);
	}
	printf("usage: %s run [OPTIONS] IMAGE [CMD [ARG...]]\n"
	       "  -m, --memory SIZE   memory: bytes, or k, m, g; 6m or more\n"
	       "      --cpus N.N      CPUs' worth of time: 0.01 up to all\n"
	       "      --pids-limit N  most processes and threads at once\n"
	       "      --network MODE  bridge (the default), none or host\n"
	       "  -p, --publish H:C   host port H to the container's port C;\n"
	       "                      /udp after C for UDP; repeatable\n"
	       "      --hostname NAME the container's hostname\n"
	       "      --name NAME     the container's name (default: its id)\n"
	       "  -d, --detach        run in the background, output to logs\n"
	       "      --rm            remove the container when it ends\n"
	       "  -v, --volume H:C[:ro] bind host directory H on C; "
	       "repeatable\n"
	       "  -e, --env K=V       set K in the command's environment;\n"
	       "                      -e K passes the host's K; repeatable\n"
	       "      --init          run a tiny init as PID 1\n"
	       "  -h, --help          print this and exit\n"
	       "An option left out, 0, or a pids limit of -1 is no limit, as "
	       "with docker run.\n",
	       program_invocation_short_name);
	for (i = 1; i < ARRAY_SIZE(verbs); i++)
		printf("%s %s %s\n", i == 1 ? "   or:" : "      ",
		       program_invocation_short_name, verbs[i].usage);
	printf("ID is a container's id or name.\n");
	exit(0);
}

/* -p HOSTPORT:PORT, with /tcp (the default) or /udp after it. */
static void add_publish(struct config *cfg, const char *arg)
{
	struct publish *p = &cfg->net.publish[cfg->net.npublish];

	if (cfg->net.npublish == MAX_PUBLISH)
		diex("--publish: %d ports at most", MAX_PUBLISH);
	if (parse_ports(arg, &p->host, &p->port, p->proto) == -1)
		diex("--publish `%s`: expected HOSTPORT:PORT, such as 8080:80 "
		     "or 5353:53/udp",
		     arg);
	cfg->net.npublish++;
}

/* -v HOSTDIR:PATH[:ro]: HOSTDIR must exist; PATH is absolute, no "..". */
static void add_volume(struct config *cfg, const char *arg)
{
	struct volume *v = &cfg->volume[cfg->nvolume];

	if (cfg->nvolume == MAX_VOLUMES)
		diex("--volume: %d volumes at most", MAX_VOLUMES);
	parse_volume(arg, &v->host, &v->path, &v->ro);
	cfg->nvolume++;
}

/*
 * 07's options, the limits, with docker's names and meanings: 0 is no
 * limit, and so is a pids limit of -1; common/ reads the numbers. 1 if
 * opt is one of them.
 */
static int limit_option(struct config *cfg, int opt, const char *arg)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	long long n;

	switch (opt) {
	case 'm':
		if (parse_size(arg, &cfg->limits.memory) == -1)
			diex("--memory `%s`: not a size, such as 64m or 1g",
			     arg);
		if (cfg->limits.memory != 0 && cfg->limits.memory < MIN_MEMORY)
			diex("--memory `%s`: less than 6m", arg);
		return 1;
	case 'c':
		if (parse_decimal(arg, CPU_PERIOD, &n) == -1 ||
		    (n != 0 && n < CPU_PERIOD / 100) || n > ncpu * CPU_PERIOD)
			diex("--cpus `%s`: expected 0.01 to %ld, or 0", arg,
			     ncpu);
		cfg->limits.cpu_quota = n;
		return 1;
	case 'P':
		if (parse_count(arg, &n) == -1 || n < -1)
			diex("--pids-limit `%s`: expected a whole number, or -1",
			     arg);
		cfg->limits.pids = n > 0 ? n : 0;
		return 1;
	}
	return 0;
}

/* 08's options, the network: 1 if opt is one of them. */
static int network_option(struct config *cfg, int opt, const char *arg)
{
	switch (opt) {
	case 'n':
		cfg->net.mode = parse_word(arg, net_modes);
		if (cfg->net.mode == -1)
			diex("--network `%s`: expected bridge, none or host",
			     arg);
		return 1;
	case 'p':
		add_publish(cfg, arg);
		return 1;
	case 'H':
		if (!valid_hostname(arg))
			diex("--hostname `%s`: 1 to %d letters, digits, - and dots, as RFC 1123 allows",
			     arg, HOST_NAME_MAX);
		cfg->hostname = arg;
		return 1;
	}
	return 0;
}

/* 09's options, the container's: 1 if opt is one of them. */
static int container_option(struct config *cfg, int opt, const char *arg)
{
	switch (opt) {
	case 'N':
		if (!valid_name(arg))
			diex("--name `%s`: 1 to %d letters, digits, _ . -, starting with a letter or digit",
			     arg, NAME_LEN);
		cfg->name = arg;
		return 1;
	case 'd':
		cfg->detach = 1;
		return 1;
	case 'R':
		cfg->remove = 1;
		return 1;
	case 'v':
		add_volume(cfg, arg);
		return 1;
	case 'e':
		add_env(cfg->env, &cfg->nenv, MAX_ENV, arg);
		return 1;
	case 'I':
		cfg->init = 1;
		return 1;
	}
	return 0;
}

/*
 * The command's environment: -e's, then, unless -e gave them, PATH and
 * HOSTNAME, as docker sets them, HOME, as runc adds it, and the host's
 * TERM, as the command shares our terminal; the runtime's own
 * environment goes nowhere.
 */
static void default_environment(struct config *cfg)
{
	default_env(cfg->env, &cfg->nenv, "PATH", DEFAULT_PATH);
	default_env(cfg->env, &cfg->nenv, "HOSTNAME", cfg->hostname);
	default_env(cfg->env, &cfg->nenv, "HOME", "/root");
	default_env(cfg->env, &cfg->nenv, "TERM", getenv("TERM"));
}

/*
 * docker's option names; each step's own are read by a helper of theirs,
 * above. "+" stops at the first argument that is not an option, the
 * IMAGE: what follows belongs to the command.
 * ":" and opterr = 0 leave the report of a mistake to us, in one line.
 * Returns the index of IMAGE.
 */
static int parse_options(int argc, char **argv, struct config *cfg)
{
	static const struct option options[] = {
		{"memory", required_argument, NULL, 'm'},
		{"cpus", required_argument, NULL, 'c'},
		{"pids-limit", required_argument, NULL, 'P'},
		{"network", required_argument, NULL, 'n'},
		{"publish", required_argument, NULL, 'p'},
		{"hostname", required_argument, NULL, 'H'},
		{"name", required_argument, NULL, 'N'},
		{"detach", no_argument, NULL, 'd'},
		{"rm", no_argument, NULL, 'R'},
		{"volume", required_argument, NULL, 'v'},
		{"env", required_argument, NULL, 'e'},
		{"init", no_argument, NULL, 'I'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:m:p:dv:e:h", options, NULL)) !=
	       -1) {
		if (opt == 'h')
			usage(0);
		if (!limit_option(cfg, opt, optarg) &&
		    !network_option(cfg, opt, optarg) &&
		    !container_option(cfg, opt, optarg))
			die_option(opt, argv); /* '?' or ':' */
	}
	if (cfg->net.npublish > 0 && cfg->net.mode != NET_BRIDGE)
		diex("--publish needs --network bridge");
	return optind;
}

/* Say plainly why we stop rather than fail half-way with EPERM. */
static void need_root(void)
{
	if (geteuid() != 0)
		diex("must be run as root: changing the root directory, "
		     "mounting and creating namespaces need privileges");
}

/*
 * The state file: "key=value" lines that ps, exec, stop and rm read.
 * Replaced whole with each change (common/ writes a temporary file and
 * renames it), so a reader never sees half of it. A value that the user
 * typed (the image's path, the command) is escaped: a newline in it must
 * not end its line, or a second "pid=" line would be a key of its own. A
 * reader takes no file with a key it does not know, or one key twice
 * (read_key()).
 */
static const char *const state_keys[] = {
	"id", /* 12 hexadecimal digits, the directory's name */
	"name", /* --name, or the id */
	"image", /* IMAGE as typed (escaped) */
	"command", /* CMD and its arguments, their first 1 KiB (escaped) */
	"status", /* created, running or exited */
	"exit_code", /* the command's status, once it exited */
	"pid", /* the container's PID 1, as the host sees it */
	"monitor", /* the runtime, which waits for it */
	"created", /* when, in seconds since 1970 */
	"network", /* bridge, none or host */
	"address", /* its address on the bridge, or "" */
	"ports", /* -p, as docker's ps shows them: 0.0.0.0:8080->80/tcp */
	NULL,
};

/* The published ports, as docker's ps shows them, into buf: "" if none,
 * else "0.0.0.0:8080->80/tcp, ..." */
static char *published(const struct config *cfg, char *buf, size_t size)
{
	size_t n = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < cfg->net.npublish && n < size; i++)
		n += snprintf(buf + n, size - n, "%s0.0.0.0:%u->%u/%s",
			      i > 0 ? ", " : "", cfg->net.publish[i].host,
			      cfg->net.publish[i].port,
			      cfg->net.publish[i].proto);
	return buf;
}

/* Write the state with status (and code, once exited): state.h's writer
 * escapes each value and replaces the file whole. */
static void save_state(const struct config *cfg, const char *status, int code)
{
	char path[PATH_MAX], ports[MAX_PUBLISH * 32];
	struct state_file s;

	if (state_open(&s) == -1)
		die("state of %s", cfg->id);
	state_put(&s, "id", "%s", cfg->id);
	state_put(&s, "name", "%s", cfg->name);
	state_put(&s, "image", "%s", cfg->image);
	state_put_words(&s, "command", cfg->argv, 1024);
	state_put(&s, "status", "%s", status);
	state_put(&s, "exit_code", "%d", code);
	state_put(&s, "pid", "%d", (int)cfg->child);
	state_put(&s, "monitor", "%d", (int)cfg->runtime);
	state_put(&s, "created", "%lld", (long long)cfg->created);
	state_put(&s, "network", "%s", net_modes[cfg->net.mode]);
	state_put(&s, "address", "%s",
		  cfg->net.lease.fd != -1 ? inet_ntoa(cfg->net.lease.address)
					  : "");
	/* the ports are published while it runs, and not after */
	state_put(&s, "ports", "%s",
		  strcmp(status, "running") == 0
			  ? published(cfg, ports, sizeof(ports))
			  : "");
	if (state_save(&s, container_file(path, cfg->id, "state")) == -1)
		die("write `%s`", path);
}

/*
 * A new container: a fresh id, its directory with upper/, work/ and
 * merged/, its environment (for exec, NUL-separated) and its state. Under
 * a lock, so that of two runs with one --name, the second sees the first.
 * From here on, a failure removes the directory again (cleanup_on_exit).
 */
static void create_container(struct config *cfg)
{
	static const char *const subdirs[] = {"upper", "work", "merged"};
	char path[PATH_MAX];
	size_t i;
	int lock;

	lock = new_container(cfg->name, cfg->id);
	if (pathf(cfg->dir, "%s/%s", containers_dir(0), cfg->id) == -1)
		die("path of container %s", cfg->id);
	cfg->runtime = getpid();
	cleanup_cfg = cfg;
	if (atexit(cleanup_on_exit) != 0)
		diex("atexit: cannot register the cleanup");
	for (i = 0; i < ARRAY_SIZE(subdirs); i++)
		if (mkdir(container_file(path, cfg->id, subdirs[i]), 0755) ==
		    -1)
			die("mkdir `%s`", path);
	container_file(cfg->merged, cfg->id, "merged");
	save_env(cfg->id, cfg->env);
	if (cfg->name == NULL)
		cfg->name = cfg->id;
	cfg->created = time(NULL);
	save_state(cfg, "created", 0);
	close(lock);
}

/* -d, the first half: the start's errors, as the monitor and the child
 * write them, until the monitor's stderr is the log; then the id if "1"
 * came, or 125. Never returns. */
__attribute__((noreturn)) static void wait_for_start(struct config *cfg,
						     int err[2], int ready[2])
{
	char buf[4096];
	ssize_t n;

	close(err[1]);
	close(ready[1]);
	close(cfg->exec_pipe[0]);
	close(cfg->exec_pipe[1]);
	while ((n = read(err[0], buf, sizeof(buf))) > 0 ||
	       (n == -1 && errno == EINTR))
		if (n > 0 && write(2, buf, n) == -1)
			break;
	if (read(ready[0], buf, 1) != 1) {
		warnx("container %s did not start", cfg->id);
		_exit(EXIT_RUNTIME);
	}
	printf("%s\n", cfg->id);
	fflush(stdout);
	_exit(0); /* not exit(): the cleanup is the monitor's */
}

/*
 * -d: the runtime splits in two. The monitor, in a session of its own, away
 * from the terminal, carries on as a foreground run would and stays to wait
 * for the container, to record how it ended and to clean up: something must
 * (docker's shim). The first half stays on the terminal until the command
 * runs: the start's errors come to it through a pipe that is the monitor's
 * stderr, and the child's until its output moves to the log. Then "1" on
 * a second pipe means started: it prints the id. Without it, 125.
 */
static void detach(struct config *cfg)
{
	char path[PATH_MAX];
	int err[2], ready[2], null;
	pid_t pid;

	cfg->log_fd = open(container_file(path, cfg->id, "log"),
			   O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (cfg->log_fd == -1 || null == -1 || pipe(err) == -1 ||
	    pipe2(ready, O_CLOEXEC) == -1 || pipe2(cfg->exec_pipe, O_CLOEXEC))
		die("create `%s`", path);
	fflush(NULL);
	pid = fork();
	if (pid == -1)
		die("fork the monitor");
	if (pid == 0) {
		cfg->runtime = getpid(); /* the cleanup is ours now */
		if (setsid() == -1 || dup2(null, 0) == -1 ||
		    dup2(null, 1) == -1 || dup2(err[1], 2) == -1)
			die("detach the monitor");
		close(err[0]);
		close(err[1]);
		close(ready[0]);
		cfg->ready_fd = ready[1];
		return;
	}
	wait_for_start(cfg, err, ready);
}

/*
 * -d, in the monitor, once the child runs: the child holds the write end
 * of exec_pipe, close-on-exec, until its execvp(). End of file means it
 * got that far; a byte, that it failed first (cleanup_on_exit() writes
 * it). Started: say so, and from now on our messages go to the log. Not
 * started: `run -d` has shown why and gave no id; the container goes.
 */
static void report_start(struct config *cfg)
{
	char byte;

	close(cfg->exec_pipe[1]);
	cfg->exec_pipe[1] = -1;
	if (read(cfg->exec_pipe[0], &byte, 1) != 0)
		cfg->remove = 1;
	else if (write(cfg->ready_fd, "1", 1) != 1 ||
		 dup2(cfg->log_fd, 2) == -1)
		die("dup2 the log");
	close(cfg->ready_fd);
}

/* The container's first process, cloned into its namespaces. */
static void clone_child(struct config *cfg, char *stack)
{
	if (sync_init(cfg->sync) == -1)
		die("pipe");
	/*
	 * When stdout is a pipe, stdio keeps output in a buffer until it is
	 * full. clone() copies that buffer, so anything not yet flushed would
	 * be printed twice: once by each process.
	 */
	fflush(stdout);
	/* --network host: the host's network namespace, not a new one */
	cfg->child = clone(child, stack,
			   cfg->net.mode == NET_HOST
				   ? clone_flags & ~CLONE_NEWNET
				   : clone_flags,
			   cfg);
	if (cfg->child == -1)
		die("clone");
}

/*
 * The container's start: its lock, its cgroup and network, its first
 * process cloned into its namespaces, there let go once the parent has
 * done its part (08's main(), around a container).
 */
static void start_container(struct config *cfg, char *stack)
{
	char path[PATH_MAX];

	cfg->lock_fd = lock_wait(container_file(path, cfg->id, "lock"));
	if (cfg->lock_fd == -1)
		die("lock `%s`", path);
	setup_cgroup(cfg);
	setup_network(cfg);
	clone_child(cfg, stack);
	join_cgroup(cfg);
	connect_container(cfg);
	save_state(cfg, "running", 0);
	cfg->started = 1;
	if (sync_release(cfg->sync) == -1)
		die("release the child");
	if (cfg->detach)
		report_start(cfg);
}

/*
 * Then wait for it to end, and clean up after it; its status is ours.
 */
static int wait_container(struct config *cfg)
{
	int status;

	handle_signals(cfg->child);

	/*
	 * Report the command's fate as our own exit status: its exit code,
	 * or 128 + N when signal N killed it, the convention shells use.
	 * A failed cleanup is reported, but the status stays the command's.
	 */
	status = wait_child(cfg->child);
	if (status == -1)
		die("waitpid %d", (int)cfg->child);
	cfg->child = 0; /* reaped: nothing left for cleanup_on_exit() to kill */
	remove_cgroup(cfg);
	release_network(cfg);
	save_state(cfg, "exited", status);
	if (cfg->remove && remove_tree_last(cfg->dir, "state") == -1)
		warn("remove `%s`", cfg->dir);
	return status;
}

/*
 * run: 08's main(), with a container around it. The container's directory
 * stays after the command ends, with its upper layer and its state, until
 * rm (or --rm). The runtime keeps CONTAINERS/<id>/lock locked for as long
 * as it runs: ps, stop and rm know from the lock whether it still does,
 * whatever its pid has become since.
 */
static int run(int argc, char **argv)
{
	static char *shell[] = {"/bin/sh", NULL};
	struct config cfg = {.hostname = HOSTNAME,
			     .net.lease.fd = -1,
			     .lock_fd = -1,
			     .log_fd = -1,
			     .exec_pipe = {-1, -1},
			     .start_err = -1};
	char *stack;
	int first;

	first = parse_options(argc, argv, &cfg);
	if (argc - first < 1)
		usage(EXIT_RUNTIME);
	need_root();
	cfg.image = argv[first];
	cfg.rootfs = resolve_rootfs(argv[first]);
	if (cfg.rootfs == NULL)
		die_rootfs(argv[first]);
	if (strpbrk(cfg.rootfs, ",:\\") != NULL)
		diex("image `%s`: overlayfs cannot take a lower layer whose "
		     "path holds `,`, `:` or `\\`",
		     cfg.rootfs);
	cfg.argv = argc - first > 1 ? &argv[first + 1] : shell;
	default_environment(&cfg);

	stack = alloc_stack(STACK_SIZE(argc));
	if (stack == NULL)
		die("mmap stack of %zu bytes", STACK_SIZE(argc));
	create_container(&cfg);
	if (cfg.detach)
		detach(&cfg);
	start_container(&cfg, stack);
	return wait_container(&cfg);
}

/* exec: into the container's cgroup, named after its monitor, so that
 * the command is counted and limited with it. */
static void join_container_cgroup(const char *id)
{
	struct config cfg = {0};
	char monitor[16];

	container_status(id, "monitor", monitor, sizeof(monitor));
	cfg.cgroup_v2 = cgroup_is_v2();
	snprintf(cfg.cgroup, sizeof(cfg.cgroup), "%s/%s", CGROUP_PARENT,
		 monitor);
	cfg.child = getpid();
	join_cgroup(&cfg);
}

/* A running container's namespaces, in the order exec joins them. */
static const char *const namespaces[] = {"ipc", "uts",	  "net",
					 "pid", "cgroup", "mnt"};

/* Open each, by the files in /proc/<pid>/ns of its PID 1, into fds. */
static void open_namespaces(const char *pid, int fds[])
{
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(namespaces); i++)
		if (pathf(path, "/proc/%s/ns/%s", pid, namespaces[i]) == -1 ||
		    (fds[i] = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			die("open `%s`", path);
}

/*
 * exec: run a command in a running container. setns(2) joins each of its
 * namespaces, named by the files in /proc/<pid>/ns of its PID 1; the mount
 * namespace last, as it changes what our paths mean (it also moves our
 * root and working directory to the container's root). A PID namespace is
 * different: our own PID cannot change, so setns() only decides where our
 * next child is born, hence the fork() after it. First of all, into the
 * container's cgroup, so that the command is counted and limited with it.
 */
static int exec_in(int argc, char **argv)
{
	char id[ID_LEN + 1], pid[16];
	char **env;
	int fds[ARRAY_SIZE(namespaces)], status;
	size_t i;
	pid_t child;

	if (argc < 3)
		diex("usage: %s exec ID CMD [ARG...]",
		     program_invocation_short_name);
	find_container(argv[1], id);
	if (strcmp(container_status(id, "pid", pid, sizeof(pid)), "running") !=
	    0)
		diex("container `%s` is not running", argv[1]);
	env = load_env(id, MAX_ENV + 4);
	open_namespaces(pid, fds);
	join_container_cgroup(id);
	for (i = 0; i < ARRAY_SIZE(namespaces); i++)
		if (setns(fds[i], 0) == -1)
			die("setns %s namespace of container %s", namespaces[i],
			    id);
	fflush(stdout);
	child = fork();
	if (child == -1)
		die("fork");
	if (child == 0) {
		environ = env;
		execvp(argv[2], &argv[2]);
		die_exec(argv[2]);
	}
	handle_signals(child);
	status = wait_child(child);
	if (status == -1)
		die("waitpid %d", (int)child);
	return status;
}

/*
 * stop [-t SECONDS]: SIGTERM to the container's PID 1, and SIGKILL if it
 * has not ended when the time is up, as docker stop does. A PID 1 without
 * a handler for SIGTERM never sees it (see --init): only SIGKILL, which
 * the kernel delivers from an ancestor namespace whatever PID 1 wants,
 * ends it. Returns once its runtime has cleaned up after it.
 */
static int stop(int argc, char **argv)
{
	char id[ID_LEN + 1];
	long long seconds = STOP_TIMEOUT;
	int opt;

	opterr = 0;
	while ((opt = getopt(argc, argv, "+:t:")) != -1)
		if (opt != 't')
			die_option(opt, argv);
		else if (parse_count(optarg, &seconds) == -1 || seconds < 0 ||
			 seconds > 86400)
			diex("-t `%s`: expected seconds, 0 to 86400", optarg);
	if (argc - optind != 1)
		diex("usage: %s stop [-t SECONDS] ID",
		     program_invocation_short_name);
	find_container(argv[optind], id);
	stop_container(id, seconds);
	printf("%s\n", argv[optind]);
	return 0;
}

/*
 * What a killed runtime (monitor) left: its cgroup, named after its pid,
 * and in bridge mode its lease and published ports, which every run's
 * sweeps would find; rm removes them now. Its veth, its mounts and its
 * processes went with the container's namespaces.
 */
static void remove_leftovers(const char *id)
{
	struct config cfg = {.net.lease.fd = -1};
	char monitor[16], dir[PATH_MAX];

	container_status(id, "monitor", monitor, sizeof(monitor));
	cfg.runtime = getpid();
	cfg.cgroup_v2 = cgroup_is_v2();
	snprintf(cfg.cgroup, sizeof(cfg.cgroup), "%s/%s", CGROUP_PARENT,
		 monitor);
	remove_cgroup(&cfg);
	find_net_state(&cfg);
	cfg.net.bridge = getenv_or("NUTSHELL_BRIDGE", BRIDGE);
	if (lease_sweep(leases_dir(&cfg, dir), undo_ports) == -1)
		die("free the leases in `%s`", dir);
}

/*
 * rm [-f] ID...: remove containers, every trace of them. A running one
 * only with -f, which kills it first (SIGKILL, as docker rm -f does).
 */
static int rm(int argc, char **argv)
{
	int opt, force = 0, i;

	opterr = 0;
	while ((opt = getopt(argc, argv, "+:f")) != -1)
		if (opt == 'f')
			force = 1;
		else
			die_option(opt, argv);
	if (optind == argc)
		diex("usage: %s rm [-f] ID...", program_invocation_short_name);
	for (i = optind; i < argc; i++) {
		remove_container(argv[i], force, remove_leftovers);
		printf("%s\n", argv[i]);
	}
	return 0;
}

/* The verbs, docker's names for what a runtime does with containers. */
static const struct verb verbs[8] = {
	{"run", run, "run [OPTIONS] IMAGE [CMD [ARG...]]"},
	{"ps", ps, "ps [-a]               list running (-a: all) containers"},
	{"exec", exec_in,
	 "exec ID CMD [ARG...]  run CMD in a running container"},
	{"logs", logs,
	 "logs ID               print the output of a -d container"},
	{"stop", stop,
	 "stop [-t SECONDS] ID  SIGTERM, SIGKILL after 10 seconds"},
	{"rm", rm,
	 "rm [-f] ID...         remove (-f: also running) containers"},
	{"images", images, "images                list the images"},
	{"import", import,
	 "import TARBALL NAME   make image NAME of a root filesystem tarball"},
};

int main(int argc, char **argv)
{
	size_t i;

	runtime_argv = argv;
	store_init(0, state_keys);
	if (sigemptyset(&init_signals) == -1 ||
	    sigaddset(&init_signals, SIGHUP) == -1 ||
	    sigaddset(&init_signals, SIGINT) == -1 ||
	    sigaddset(&init_signals, SIGQUIT) == -1 ||
	    sigaddset(&init_signals, SIGTERM) == -1 ||
	    sigaddset(&init_signals, SIGUSR1) == -1 ||
	    sigaddset(&init_signals, SIGUSR2) == -1 ||
	    sigaddset(&init_signals, SIGWINCH) == -1)
		die("sigaddset");
	if (argc < 2)
		usage(EXIT_RUNTIME);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0)
		usage(0);
	for (i = 0; i < ARRAY_SIZE(verbs); i++) {
		if (strcmp(argv[1], verbs[i].name) != 0)
			continue;
		if (verbs[i].run != run)
			need_root();
		return verbs[i].run(argc - 1, argv + 1);
	}
	diex("unknown command `%s` (see --help)", argv[1]);
}
