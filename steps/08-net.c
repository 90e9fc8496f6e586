/*
 * 08-net: connect the container to a network: none, the host's, or a bridge.
 *
 * New in this step (diff against 07-cgroup): docker's three network modes,
 * --network bridge (the default), none and host. none is 07's empty network
 * namespace with its loopback brought up. host leaves the network namespace
 * out: the container uses the host's devices and addresses. bridge wires
 * the container the way docker's default network does: a bridge on the
 * host (made on first use), a veth pair per container with one end on the
 * bridge and the other, eth0, in the container, an address leased from the
 * bridge's subnet, a default route through the bridge, and NAT (iptables)
 * to the world beyond the host; -p publishes a port of the host. The links,
 * addresses and routes are made with netlink, as ip(8) does it, so the
 * image needs no ip binary. /etc/hosts, /etc/hostname and /etc/resolv.conf
 * are files the runtime writes and bind-mounts, so the image stays as it
 * is. Leases are files locked with flock(2): no address goes to two live
 * containers, and a killed runtime's address is free again.
 *
 * Usage:   08-net [OPTIONS] ROOTFS CMD [ARG...]      (see --help)
 *          --network bridge|none|host, -p HOSTPORT:PORT[/tcp|udp],
 *          --hostname NAME, and 07's -m, --cpus, --pids-limit
 * Try it:  sudo ./bin/08-net busybox /bin/sh -c 'ip addr; ping -c1 10.219.0.1'
 * Exit:    CMD's own status (137 when the OOM killer ended it); 128+N if
 *          signal N killed it; 125 if the runtime fails; 126 if CMD cannot
 *          be run; 127 if it is not found.
 * Man:     network_namespaces(7), veth(4), rtnetlink(7), netlink(7), ip(8),
 *          iptables(8), iptables-extensions(8), flock(2), resolv.conf(5)
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
#include "../common/lease.h"
#include "../common/netlink.h"
#include "../common/netns.h"
#include "../common/parse.h"
#include "../common/proc.h"
#include "../common/sync.h"

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
 * files the runtime writes for the container, bind-mounted over the
 * image's, which stay as they are. Written here in the child, into a
 * small tmpfs mounted on STATE/etc in the child's own mount namespace: the
 * host never sees it, and it goes away with the container, whatever ends
 * it. Done before the pivot, while the host's resolv.conf can be read;
 * the recursive bind mount of the root in enter_rootfs() takes them along.
 */
static void mount_etc_files(const struct config *cfg)
{
	char dir[PATH_MAX], from[PATH_MAX], to[PATH_MAX];
	size_t i;

	if (pathf(dir, "%s/etc", cfg->state) == -1)
		die("path of the container's files");
	if (mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "mode=755,size=64k") == -1)
		die("mount `tmpfs` on `%s`", dir);
	if (write_etc_files(dir, cfg->hostname,
			    cfg->net.mode == NET_BRIDGE
				    ? &cfg->net.lease.address
				    : NULL,
			    cfg->net.mode == NET_HOST) == -1)
		die("write the container's /etc files in `%s`", dir);
	for (i = 0; i < ARRAY_SIZE(etc_files); i++) {
		if (pathf(from, "%s/%s", dir, etc_files[i]) == -1 ||
		    pathf(to, "%s/etc/%s", cfg->rootfs, etc_files[i]) == -1)
			die("path of `%s`", etc_files[i]);
		if (mount(from, to, NULL, MS_BIND, NULL) == -1)
			die("mount `%s` on `/etc/%s`", from, etc_files[i]);
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
 * Everything the network needs before the child may start: the runtime's
 * state directory, only root's, with STATE/etc where the child mounts its
 * files; in bridge mode the bridge, and an address for the container.
 */
static void setup_network(struct config *cfg)
{
	char dir[PATH_MAX];
	int nl;

	find_net_state(cfg);
	if (pathf(dir, "%s/etc", cfg->state) == -1 ||
	    ensure_dir(cfg->state, 0700) == -1 || ensure_dir(dir, 0700) == -1)
		die("mkdir `%s`", dir);
	if (cfg->net.mode != NET_BRIDGE)
		return;
	read_bridge_settings(cfg);
	if (pathf(dir, "%s/net", cfg->state) == -1 ||
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

	if (cfg == NULL || getpid() != cfg->runtime)
		return;
	if (cfg->child > 0 && kill(cfg->child, SIGKILL) == 0)
		waitpid(cfg->child, NULL, 0);
	remove_cgroup(cfg);
	release_network(cfg);
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
 * runtimes left behind, arrange for cleanup should we fail from here on,
 * then make the cgroup and write its limits.
 */
static void setup_cgroup(struct config *cfg)
{
	cfg->runtime = getpid();
	name_cgroup(cfg);
	cfg->cgroup_v2 = cgroup_is_v2();
	remove_stale_cgroups(cfg);
	cleanup_cfg = cfg;
	if (atexit(cleanup_on_exit) != 0)
		diex("atexit: cannot register the cleanup");
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
 * The child turns itself into the command. execvp() searches PATH like a
 * shell does and only returns if it failed; die_exec() then exits with 127
 * (not found) or 126 (found but not executable), as env(1) and docker do.
 */
static int child(void *arg)
{
	struct config *cfg = arg;

	wait_for_cgroup(cfg);
	configure_network(cfg);
	make_mounts_private();
	mount_etc_files(cfg);
	enter_rootfs(cfg->rootfs);
	mount_proc();
	mount_sys();
	mount_dev();
	make_dev_nodes();
	set_hostname(cfg->hostname);
	execvp(cfg->argv[0], cfg->argv);
	die_exec(cfg->argv[0]);
}

/*
 * A mistake gets one line on stderr and 125, as every error does; -h and
 * --help print the whole usage on stdout and exit 0, as users expect.
 */
__attribute__((noreturn)) static void usage(int status)
{
	if (status != 0) {
		fprintf(stderr,
			"usage: %s [OPTIONS] ROOTFS CMD [ARG...] (see "
			"--help)\n",
			program_invocation_short_name);
		exit(status);
	}
	printf("usage: %s [OPTIONS] ROOTFS CMD [ARG...]\n"
	       "  -m, --memory SIZE   memory: bytes, or k, m, g; 6m or more\n"
	       "      --cpus N.N      CPUs' worth of time: 0.01 up to all\n"
	       "      --pids-limit N  most processes and threads at once\n"
	       "      --network MODE  bridge (the default), none or host\n"
	       "  -p, --publish H:C   host port H to the container's port C;\n"
	       "                      /udp after C for UDP; repeatable\n"
	       "      --hostname NAME the container's hostname\n"
	       "  -h, --help          print this and exit\n"
	       "An option left out, 0, or a pids limit of -1 is no limit, as "
	       "with docker run.\n",
	       program_invocation_short_name);
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

/*
 * docker's option names; each step's own are read by a helper of theirs,
 * above. "+" stops at the first argument that is not an option, the
 * ROOTFS: what follows belongs to the command.
 * ":" and opterr = 0 leave the report of a mistake to us, in one line.
 * Returns the index of ROOTFS.
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
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:m:p:h", options, NULL)) !=
	       -1) {
		if (opt == 'h')
			usage(0);
		if (!limit_option(cfg, opt, optarg) &&
		    !network_option(cfg, opt, optarg))
			die_option(opt, argv); /* '?' or ':' */
	}
	if (cfg->net.npublish > 0 && cfg->net.mode != NET_BRIDGE)
		diex("--publish needs --network bridge");
	return optind;
}

int main(int argc, char **argv)
{
	struct config cfg = {.hostname = HOSTNAME, .net.lease.fd = -1};
	char *stack;
	int first, status;

	first = parse_options(argc, argv, &cfg);
	if (argc - first < 2)
		usage(EXIT_RUNTIME);
	/* Say plainly why we stop rather than fail half-way with EPERM. */
	if (geteuid() != 0)
		diex("must be run as root: changing the root directory, "
		     "mounting and creating namespaces need privileges");
	cfg.rootfs = resolve_rootfs(argv[first]);
	if (cfg.rootfs == NULL)
		die_rootfs(argv[first]);
	cfg.argv = &argv[first + 1];

	stack = alloc_stack(STACK_SIZE(argc));
	if (stack == NULL)
		die("mmap stack of %zu bytes", STACK_SIZE(argc));
	setup_cgroup(&cfg);
	setup_network(&cfg);
	if (sync_init(cfg.sync) == -1)
		die("pipe");

	/*
	 * When stdout is a pipe, stdio keeps output in a buffer until it is
	 * full. clone() copies that buffer, so anything not yet flushed would
	 * be printed twice: once by each process.
	 */
	fflush(stdout);
	/* --network host: the host's network namespace, not a new one */
	cfg.child = clone(child, stack,
			  cfg.net.mode == NET_HOST ? clone_flags & ~CLONE_NEWNET
						   : clone_flags,
			  &cfg);
	if (cfg.child == -1)
		die("clone");
	join_cgroup(&cfg);
	connect_container(&cfg);
	if (sync_release(cfg.sync) == -1)
		die("release the child");

	handle_signals(cfg.child);

	/*
	 * Report the command's fate as our own exit status: its exit code,
	 * or 128 + N when signal N killed it, the convention shells use.
	 * A failed cleanup is reported, but the status stays the command's.
	 */
	status = wait_child(cfg.child);
	if (status == -1)
		die("waitpid %d", (int)cfg.child);
	cfg.child = 0; /* reaped: nothing left for cleanup_on_exit() to kill */
	remove_cgroup(&cfg);
	release_network(&cfg);
	return status;
}
