/*
 * 10-caps-seccomp: the complete runtime, with root's powers taken away.
 *
 * New in this step (diff against 09-overlay): root in the container is no
 * longer the host's root in all but name. It keeps docker's fourteen
 * default capabilities and no other, the bounding set included; it runs
 * with no_new_privs; a seccomp filter, classic BPF written by hand, denies
 * the system calls a default container never needs (keyrings, modules,
 * kexec, bpf, ptrace, mounts, namespaces, the clock, io_uring, TIOCSTI);
 * docker's masked /proc paths are hidden and /proc/sys is read-only; the
 * open-files limit is lower, and cannot be raised; the command starts with
 * fds 0, 1 and 2 only; device nodes it makes are of no use (nodev, a
 * read-only /dev). exec gives a joining process the same, and joins
 * non-dumpable; run and exec run from a sealed copy of the binary in
 * memory, so that no /proc/PID/exe in the container is a host file.
 * --userns maps root inside to an unprivileged uid of the host. Run by
 * a user other than root, it is rootless: in a user namespace of its own,
 * without a bridge, with limits only where a cgroup is delegated.
 *
 * Usage:   10-caps-seccomp run [OPTIONS] IMAGE [CMD [ARG...]] (see --help)
 *          --cap-add CAP, --cap-drop CAP (ALL too), --security-opt
 *          no-new-privileges=false, --security-opt seccomp=unconfined,
 *          --userns, and 09's verbs and options
 * Try it:  sudo ./bin/10-caps-seccomp run --rm busybox \
 *              grep -E 'Cap|NoNewPrivs|Seccomp' /proc/self/status
 *          ./bin/10-caps-seccomp run --rm --network none busybox id
 * Exit:    run and exec: CMD's own status (137 when the OOM killer ended
 *          it); 128+N if signal N killed it; 125 if the runtime fails; 126
 *          if CMD cannot be run; 127 if it is not found. Other verbs: 0,
 *          or 125.
 * Man:     capabilities(7), capset(2), prctl(2) (PR_CAPBSET_DROP,
 *          PR_SET_NO_NEW_PRIVS, PR_SET_DUMPABLE), seccomp(2), bpf filters
 *          in Documentation/userspace-api/seccomp_filter.rst,
 *          setrlimit(2), close_range(2), proc(5), user_namespaces(7),
 *          mount_setattr(2), open_tree(2), move_mount(2), newuidmap(1),
 *          subuid(5), cgroups(7) (v2 delegation)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/magic.h>
#include <linux/seccomp.h>
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
#include "../common/pty.h"
#include "../common/state.h"
#include "../common/store.h"
#include "../common/sync.h"
#include "../common/tree.h"
#include "../common/userns.h"

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

/*
 * The capabilities, by number, and docker's default set (1): the only
 * ones a container keeps unless --cap-add or --cap-drop say otherwise.
 * Root without the others cannot load modules, mount, trace, change the
 * clock or reboot; with them, a container is hardly one.
 */
static const struct {
	const char *name;
	int keep;
} capabilities[] = {
	[CAP_CHOWN] = {"CHOWN", 1}, /* change any file's owner */
	[CAP_DAC_OVERRIDE] = {"DAC_OVERRIDE", 1}, /* ignore file permissions */
	[CAP_DAC_READ_SEARCH] = {"DAC_READ_SEARCH", 0}, /* open_by_handle_at */
	[CAP_FOWNER] = {"FOWNER", 1}, /* act as any file's owner */
	[CAP_FSETID] = {"FSETID", 1}, /* keep set-id bits when writing */
	[CAP_KILL] = {"KILL", 1}, /* signal any process (in the container) */
	[CAP_SETGID] = {"SETGID", 1}, /* change group ids */
	[CAP_SETUID] = {"SETUID", 1}, /* change user ids */
	[CAP_SETPCAP] = {"SETPCAP", 1}, /* drop from the bounding set */
	[CAP_LINUX_IMMUTABLE] = {"LINUX_IMMUTABLE", 0}, /* chattr +i */
	[CAP_NET_BIND_SERVICE] = {"NET_BIND_SERVICE", 1}, /* ports < 1024 */
	[CAP_NET_BROADCAST] = {"NET_BROADCAST", 0}, /* unused */
	[CAP_NET_ADMIN] = {"NET_ADMIN", 0}, /* interfaces, routes, firewall */
	[CAP_NET_RAW] = {"NET_RAW", 1}, /* raw sockets: ping */
	[CAP_IPC_LOCK] = {"IPC_LOCK", 0}, /* mlock beyond the limit */
	[CAP_IPC_OWNER] = {"IPC_OWNER", 0}, /* any System V IPC object */
	[CAP_SYS_MODULE] = {"SYS_MODULE", 0}, /* load kernel modules */
	[CAP_SYS_RAWIO] = {"SYS_RAWIO", 0}, /* iopl, /dev/mem */
	[CAP_SYS_CHROOT] = {"SYS_CHROOT", 1}, /* chroot(2) */
	[CAP_SYS_PTRACE] = {"SYS_PTRACE", 0}, /* trace any process */
	[CAP_SYS_PACCT] = {"SYS_PACCT", 0}, /* acct(2) */
	[CAP_SYS_ADMIN] = {"SYS_ADMIN", 0}, /* mount, and much more */
	[CAP_SYS_BOOT] = {"SYS_BOOT", 0}, /* reboot, kexec */
	[CAP_SYS_NICE] = {"SYS_NICE", 0}, /* raise priorities */
	[CAP_SYS_RESOURCE] = {"SYS_RESOURCE", 0}, /* raise hard rlimits */
	[CAP_SYS_TIME] = {"SYS_TIME", 0}, /* set the clock */
	[CAP_SYS_TTY_CONFIG] = {"SYS_TTY_CONFIG", 0}, /* vhangup */
	[CAP_MKNOD] = {"MKNOD", 1}, /* make device nodes */
	[CAP_LEASE] = {"LEASE", 0}, /* file leases */
	[CAP_AUDIT_WRITE] = {"AUDIT_WRITE", 1}, /* write to the audit log */
	[CAP_AUDIT_CONTROL] = {"AUDIT_CONTROL", 0}, /* configure auditing */
	[CAP_SETFCAP] = {"SETFCAP", 1}, /* set file capabilities */
	[CAP_MAC_OVERRIDE] = {"MAC_OVERRIDE", 0}, /* override an LSM */
	[CAP_MAC_ADMIN] = {"MAC_ADMIN", 0}, /* configure an LSM */
	[CAP_SYSLOG] = {"SYSLOG", 0}, /* the kernel's log */
	[CAP_WAKE_ALARM] = {"WAKE_ALARM", 0}, /* wake the machine */
	[CAP_BLOCK_SUSPEND] = {"BLOCK_SUSPEND", 0}, /* keep it awake */
	[CAP_AUDIT_READ] = {"AUDIT_READ", 0}, /* read the audit log */
	[CAP_PERFMON] = {"PERFMON", 0}, /* performance monitoring */
	[CAP_BPF] = {"BPF", 0}, /* BPF programs and maps */
	[CAP_CHECKPOINT_RESTORE] = {"CHECKPOINT_RESTORE", 0}, /* CRIU */
};

/* The paths of /proc and /sys that docker hides (a file under /dev/null,
 * a directory under an empty read-only tmpfs) or makes read-only. */
static const char *const masked_paths[] = {
	"/proc/acpi",
	"/proc/asound",
	"/proc/interrupts",
	"/proc/kcore",
	"/proc/keys",
	"/proc/latency_stats",
	"/proc/sched_debug",
	"/proc/scsi",
	"/proc/timer_list",
	"/proc/timer_stats",
	"/sys/devices/virtual/powercap",
	"/sys/firmware",
};
static const char *const readonly_paths[] = {
	"/proc/bus",	       "/proc/fs", "/proc/irq", "/proc/sys",
	"/proc/sysrq-trigger",
};

/* RLIMIT_NOFILE: the hard limit cannot be raised without SYS_RESOURCE. */
#define NOFILE_SOFT 1024
#define NOFILE_HARD 4096

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

/*
 * -t and -i, docker's: with -t the command gets a terminal of its own,
 * a pty of the container's devpts, which the runtime relays to ours;
 * with -i our stdin goes to it. Without either, its stdin is /dev/null,
 * as docker's is: it shares nothing of our terminal.
 */
struct term {
	int tty; /* -t */
	int interactive; /* -i */
	int sock[2]; /* the child sends the pty's master on [1] */
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
	char controllers[32]; /* v2: for subtree_control, "+memory ..." */
	pid_t runtime; /* our pid: names the cgroup, guards the cleanup */
	char cgroup_parent[PATH_MAX]; /* CGROUP_PARENT, rootless below ours;
					 "": no cgroup (rootless) */
	char cgroup[PATH_MAX]; /* <cgroup_parent>/<name_cgroup()> */
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
	struct security {
		unsigned long long caps; /* those kept, a bit each */
		unsigned long long cap_add, cap_drop; /* as given; CAP_ALL */
		int no_new_privs; /* 1 unless no-new-privileges=false */
		int seccomp; /* 1 unless --security-opt seccomp=unconfined */
	} sec;
	struct user {
		int ns; /* --userns: root inside is uid_base on the host */
		unsigned int uid_base, gid_base; /* where uid/gid 0 land */
		int image_tree; /* the image, idmapped (a detached mount) */
	} user;
	struct term term; /* -t, -i */
	/* --entrypoint, -w, -u; else the image's (import --change) */
	const char *entrypoint, *workdir, *run_as;
	int started; /* state says "running": keep the directory */
	time_t created;
};

/* Run by a user other than root: see enter_userns(). */
static int rootless;

/*
 * --userns: container uids and gids 0-65535 are host ids BASE to
 * BASE+65535. The range is root's line of /etc/subuid and /etc/subgid
 * (NAME:FIRST:COUNT, subuid(5)), where the administrator keeps such
 * ranges apart, or else USERNS_BASE, far above the ids useradd hands
 * out (login.defs: UID_MAX 60000, SUB_UID_MAX 600100000).
 */
#define USERNS_BASE 1000000000U
#define USERNS_SIZE 65536U
#ifndef MOUNT_ATTR_IDMAP
#define MOUNT_ATTR_IDMAP 0x00100000
#endif

/*
 * Rootless: we move into a user namespace of our own, where we are root
 * with every capability, before we make anything: the container's other
 * namespaces, made from there, are owned by it, and so are the files we
 * make (as our uid, on the host). Mapping more than our own uid takes a
 * privileged writer: newuidmap(1) and newgidmap(1), set-uid root, map 0
 * to us and 1-65535 to our range in /etc/subuid and /etc/subgid. Without
 * them, or without a range, our own ids become 0, and nothing else is
 * mapped; the kernel then wants setgroups(2) denied first, or a group we
 * are in could be dropped to open what it is denied (user_namespaces(7)).
 */
static void enter_userns(void)
{
	struct subids ids;
	int full, sync[2], status;
	pid_t helper = 0;

	/* 0 is ours: our range gives 1 to 65535 */
	full = find_subids(&ids, USERNS_SIZE - 1);
	if (full && (sync_init(sync) == -1 ||
		     (helper = start_id_mapper(getpid(), &ids, sync)) == -1))
		die("fork a helper for newuidmap");
	if (unshare(CLONE_NEWUSER) == -1)
		die("rootless: unshare CLONE_NEWUSER%s", userns_hint());
	if (full) { /* the helper, outside, maps us now that we are inside */
		if (sync_release(sync) == -1 ||
		    waitpid(helper, &status, 0) == -1)
			die("wait for newuidmap");
		if (status != 0)
			diex("rootless: newuidmap or newgidmap failed (see "
			     "above): check %s's lines in /etc/subuid and "
			     "/etc/subgid",
			     ids.user);
	} else if (write_file("/proc/self/setgroups", "deny") == -1 ||
		   write_file("/proc/self/uid_map", "0 %lu 1\n", ids.uid) ==
			   -1 ||
		   write_file("/proc/self/gid_map", "0 %lu 1\n", ids.gid) == -1)
		die("rootless: map uid %lu to root in a user namespace%s",
		    ids.uid, userns_hint());
}

/* Write "0 BASE 65536" into /proc/PID/{uid,gid}_map (user_namespaces(7)):
 * only a process with CAP_SETUID in the parent namespace, we, may map a
 * range other than its own id; setgroups may then stay "allow". */
static void write_id_maps(pid_t pid, const struct config *cfg)
{
	char path[64], map[64];

	snprintf(map, sizeof(map), "0 %u %u\n", cfg->user.uid_base,
		 USERNS_SIZE);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	if (write_file(path, map) == -1)
		die("write `%s`", path);
	snprintf(map, sizeof(map), "0 %u %u\n", cfg->user.gid_base,
		 USERNS_SIZE);
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
	if (write_file(path, map) == -1)
		die("write `%s`", path);
}

/* A user namespace with the container's mapping, by descriptor: a
 * helper forked into a new one waits while we map it, and is killed once
 * we hold its namespace open. */
static int mapped_userns(const struct config *cfg)
{
	char path[64];
	pid_t helper;
	int sync[2], userns;

	if (sync_init(sync) == -1)
		die("pipe");
	helper = fork();
	if (helper == -1)
		die("fork");
	if (helper == 0) { /* mapped by the parent, then killed */
		if (unshare(CLONE_NEWUSER) == -1)
			die("unshare CLONE_NEWUSER");
		sync_release(sync);
		pause();
		_exit(0);
	}
	if (sync_wait(sync) == -1)
		diex("--userns: no user namespace for the image's mapping");
	write_id_maps(helper, cfg);
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)helper);
	userns = open(path, O_RDONLY | O_CLOEXEC);
	kill(helper, SIGKILL);
	waitpid(helper, NULL, 0);
	if (userns == -1)
		die("open `%s`", path);
	return userns;
}

/*
 * The image, as the container's root sees it: owned by host uid 0, it
 * must look owned by container uid 0, which is host uid BASE. An idmapped mount
 * (mount_setattr(2) with MOUNT_ATTR_IDMAP, Linux 5.12) shows it through the
 * mapping of a user namespace, without a chown. That needs a user namespace
 * with the container's mapping now, before the container's own exists: a
 * helper, forked into one, waits while we map it and take its namespace. The
 * mount stays detached, an fd the child inherits and attaches in its own
 * mount namespace (move_mount(2)): the host never sees it.
 */
static void make_image_tree(struct config *cfg)
{
	struct {
		unsigned long long attr_set, attr_clr, propagation, userns_fd;
	} ma = {.attr_set = MOUNT_ATTR_IDMAP};
	int userns;

	cfg->user.uid_base =
		root_subids("/etc/subuid", USERNS_SIZE, USERNS_BASE);
	cfg->user.gid_base =
		root_subids("/etc/subgid", USERNS_SIZE, USERNS_BASE);
	userns = mapped_userns(cfg);

	cfg->user.image_tree = syscall(SYS_open_tree, AT_FDCWD, cfg->rootfs,
				       OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (cfg->user.image_tree == -1)
		die("open_tree `%s`", cfg->rootfs);
	ma.userns_fd = userns;
	if (syscall(SYS_mount_setattr, cfg->user.image_tree, "", AT_EMPTY_PATH,
		    &ma, sizeof(ma)) == -1)
		die("--userns: idmapped mount of `%s` (Linux 5.12, and a "
		    "filesystem that supports one)",
		    cfg->rootfs);
	close(userns);
}

/*
 * The child, mapped, becomes uid and gid 0 of its namespace (host
 * uid_base): until now it ran as host root, an id its namespace does not
 * map. Capabilities in the namespace stay: an id change towards the
 * namespace's root keeps them (capabilities(7)).
 */
static void become_root(void)
{
	if (setresgid(0, 0, 0) == -1 || setresuid(0, 0, 0) == -1)
		die("setresuid 0 in the user namespace");
	if (setgroups(0, NULL) == -1)
		die("setgroups");
}

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
	if (cfg->user.ns)
		become_root();
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
	char options[3 * PATH_MAX], lower[PATH_MAX];

	snprintf(lower, sizeof(lower), "%s", cfg->rootfs);
	if (cfg->user.ns &&
	    (pathf(lower, "%s/lower", cfg->dir) == -1 ||
	     syscall(SYS_move_mount, cfg->user.image_tree, "", AT_FDCWD, lower,
		     MOVE_MOUNT_F_EMPTY_PATH) == -1))
		die("mount the idmapped image on `%s`", lower);
	/* rootless: overlayfs's own xattrs in user.overlay.*, as trusted.*
	 * are the host root's (userxattr, Linux 5.11) */
	if (snprintf(options, sizeof(options),
		     "lowerdir=%s,upperdir=%s/upper,workdir=%s/work%s", lower,
		     cfg->dir, cfg->dir,
		     rootless ? ",userxattr" : "") >= (int)sizeof(options))
		diex("overlay options for `%s` are too long", cfg->dir);
	if (mount("overlay", cfg->merged, "overlay", MS_NODEV, options) == -1)
		die("mount `overlay` on `%s` (lowerdir `%s`%s)", cfg->merged,
		    cfg->rootfs, cfg->user.ns ? ", idmapped: Linux 5.19" : "");
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
#define MOUNT_ATTR_NODEV 0x00000004
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
		if (set_tree_attr(tree,
				  v->ro ? MOUNT_ATTR_NODEV | MOUNT_ATTR_RDONLY
					: MOUNT_ATTR_NODEV) == -1)
			die("make `%s` nodev", v->path);
		if (syscall(SYS_move_mount, tree, "", fd, "",
			    MOVE_MOUNT_F_EMPTY_PATH |
				    MOVE_MOUNT_T_EMPTY_PATH) == -1)
			die("mount `%s` on `%s`", v->host, v->path);
		close(tree);
		close(fd);
	}
}

/*
 * The runtime makes the container's root itself, before the child exists,
 * as the host's root (rootless: as root of its own user namespace): the
 * overlay, the /etc files, the volumes, in a mount namespace of its own,
 * private, which the host never sees. With --userns the child could not:
 * its mapped root, an unprivileged uid of the host, may search none of
 * the host's directories that are closed to others, a learner's home of
 * mode 0700 or 0750, the containers' directory of mode 0700. The child,
 * cloned from here, gets a copy of this namespace, and this tree as its
 * working directory: it never names a host path (take_root()).
 */
static void prepare_root(const struct config *cfg)
{
	if (unshare(CLONE_NEWNS) == -1)
		die("unshare CLONE_NEWNS");
	make_mounts_private();
	mount_overlay(cfg);
	mount_etc_files(cfg);
	mount_volumes(cfg);
	if (chdir(cfg->merged) == -1)
		die("chdir `%s`", cfg->merged);
}

/* Once the child has its copy, ours goes: nothing holds merged/, lower/. */
static int release_root(const struct config *cfg)
{
	char lower[PATH_MAX];
	int ret = chdir("/");

	if (umount2(cfg->merged, MNT_DETACH) == -1 && errno != EINVAL)
		ret = -1;
	if (pathf(lower, "%s/lower", cfg->dir) == -1 ||
	    (umount2(lower, MNT_DETACH) == -1 && errno != EINVAL &&
	     errno != ENOENT))
		ret = -1;
	return ret;
}

/* glibc has no wrapper for pivot_root(2). */
static int sys_pivot_root(const char *new_root, const char *put_old)
{
	return syscall(SYS_pivot_root, new_root, put_old);
}

/*
 * The container's root, as the runtime made it (prepare_root()), is our
 * working directory, in our copy of the runtime's mount namespace. In a
 * user namespace that copy is locked (mount_namespaces(7)): its mounts
 * move only together, and pivot_root() refuses one as the new root. So
 * we bind it onto itself, as a new mount of ours, and without a path,
 * for the mapped root of --userns may look up no directory of the host's
 * that is closed to others: open_tree(2) clones the tree at "" (where we
 * are), move_mount(2) attaches the clone there, fchdir(2) steps into it.
 */
static void take_root(void)
{
	int tree;

	tree = syscall(SYS_open_tree, AT_FDCWD, "",
		       OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE |
			       AT_EMPTY_PATH);
	if (tree == -1)
		die("open_tree the container's root");
	if (syscall(SYS_move_mount, tree, "", AT_FDCWD, "",
		    MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) == -1)
		die("move_mount the container's root onto itself");
	if (fchdir(tree) == -1)
		die("fchdir into the container's root");
	close(tree);
}

/*
 * Make the tree we are in the root mount of our namespace, with the
 * pivot_root(".", ".") trick, as in LXC and runc: the old root ends up
 * stacked on top of the new one at "/", and detaching it leaves no path
 * from the container back to the host's files. chdir("/") lands in the
 * image.
 */
static void enter_rootfs(void)
{
	if (sys_pivot_root(".", ".") == -1)
		die("pivot_root into the container's root");
	if (umount2(".", MNT_DETACH) == -1)
		die("umount the old root");
	if (chdir("/") == -1)
		die("chdir `/` in the container's root");
}

/*
 * Mount a proc filesystem on the image's /proc. nosuid, nodev and noexec
 * because nothing in /proc needs them, as docker and runc mount it. The
 * child is in the new PID namespace, so this /proc shows its processes.
 * Before the pivot, under ROOT, as runc does: in a user namespace the
 * kernel allows a new proc or sysfs only while the host's is in view
 * (mount_too_revealing()), lest it reveal what the host's hides.
 */
static void mount_proc(const char *root)
{
	char on[32];
	int fd = mount_point(root, "proc", 1, on);

	if (mount("proc", on, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) ==
	    -1)
		die("mount `proc` on `/proc`");
	close(fd);
}

/*
 * sysfs describes devices, drivers and the kernel's settings. Read-only, as
 * docker mounts it: the container may look, not change the host's hardware
 * settings. Mounted from inside the new network namespace, its class/net
 * lists the container's network devices only.
 */
static void mount_sys(const char *root)
{
	char on[32];
	int fd = mount_point(root, "sys", 1, on);

	if (mount("sysfs", on, "sysfs",
		  MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == -1)
		die("mount `sysfs` on `/sys`");
	close(fd);
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
 * --userns: in a user namespace mknod(2) of a device is EPERM, whatever
 * the capabilities (the kernel asks for CAP_MKNOD in the initial one).
 * So bind the host's own nodes instead, as LXC and rootless podman do:
 * here, before the pivot, each is cloned into a detached mount
 * (open_tree(2)); make_dev_nodes() attaches them in the new /dev.
 */
static void open_dev_nodes(int trees[])
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dev_nodes); i++) {
		trees[i] = syscall(SYS_open_tree, AT_FDCWD, dev_nodes[i].path,
				   OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		if (trees[i] == -1)
			die("open_tree the host's `%s`", dev_nodes[i].path);
	}
}

/*
 * Make the device nodes with mknod(2) rather than bind-mounting the host's:
 * the host's /dev is gone after pivot_root, and as real root we may create
 * nodes. mknod() applies our umask, so chmod() sets the mode we meant.
 * With TREES (--userns), attach the host's nodes on empty files instead.
 */
static void make_dev_nodes(const int trees[])
{
	size_t i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(dev_nodes); i++) {
		const struct dev_node *n = &dev_nodes[i];

		if (trees != NULL) {
			fd = open(n->path, O_WRONLY | O_CREAT | O_CLOEXEC,
				  0666);
			if (fd == -1 || close(fd) == -1 ||
			    syscall(SYS_move_mount, trees[i], "", AT_FDCWD,
				    n->path, MOVE_MOUNT_F_EMPTY_PATH) == -1)
				die("bind the host's `%s`", n->path);
			continue;
		}
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
 * The seccomp filter: a classic BPF program the kernel runs at every
 * system call, on a struct seccomp_data (the call's number, architecture
 * and arguments), whose answer allows the call or fails it with an errno.
 * A denylist, as docker's default profile is in effect for these calls:
 * what a default container never needs, and what has let containers out.
 */
#if defined(__x86_64__)
#define SECCOMP_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define SECCOMP_ARCH AUDIT_ARCH_AARCH64
#else
#error "add this architecture's AUDIT_ARCH_ value and check its calls"
#endif
/* the low 32 bits of argument n, whatever the byte order */
#define ARG_LO(n)                                 \
	(offsetof(struct seccomp_data, args[n]) + \
	 (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? 4 : 0))
#define LOAD(offset) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (offset))
#define RETURN(action) BPF_STMT(BPF_RET | BPF_K, (action))
#define IF_EQ(value, yes, no) \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (value), (yes), (no))
#define DENY(name) IF_EQ(__NR_##name, 0, 1), RETURN(SECCOMP_RET_ERRNO | EPERM)

static const struct sock_filter filter[] = {
	/* a call of another architecture has other numbers: kill */
	LOAD(offsetof(struct seccomp_data, arch)),
	IF_EQ(SECCOMP_ARCH, 1, 0),
	RETURN(SECCOMP_RET_KILL_PROCESS),
	LOAD(offsetof(struct seccomp_data, nr)),
#ifdef __X32_SYSCALL_BIT
	/* x32 calls are x86-64's numbers with this bit: same arch value */
	BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, __X32_SYSCALL_BIT, 0, 1),
	RETURN(SECCOMP_RET_ERRNO | EPERM),
#endif
	/* ioctl: TIOCSTI and TIOCLINUX push keystrokes into the terminal */
	IF_EQ(__NR_ioctl, 0, 5),
	LOAD(ARG_LO(1)),
	IF_EQ(TIOCSTI, 2, 0),
	IF_EQ(TIOCLINUX, 1, 0),
	RETURN(SECCOMP_RET_ALLOW),
	RETURN(SECCOMP_RET_ERRNO | EPERM),
	/* clone: no new user namespace, where root has every capability */
	IF_EQ(__NR_clone, 0, 4),
	LOAD(ARG_LO(0)),
	BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_NEWUSER, 0, 1),
	RETURN(SECCOMP_RET_ERRNO | EPERM),
	RETURN(SECCOMP_RET_ALLOW),
	/* clone3's flags are in memory, out of a filter's reach: ENOSYS,
	 * and glibc falls back to clone */
	IF_EQ(__NR_clone3, 0, 1),
	RETURN(SECCOMP_RET_ERRNO | ENOSYS),
	/* personality: the harmless values docker allows, nothing else */
	IF_EQ(__NR_personality, 0, 8),
	LOAD(ARG_LO(0)),
	IF_EQ(0x0, 5, 0), /* PER_LINUX */
	IF_EQ(0x8, 4, 0), /* PER_LINUX32 */
	IF_EQ(0x20000, 3, 0), /* UNAME26 */
	IF_EQ(0x20008, 2, 0), /* PER_LINUX32 | UNAME26 */
	IF_EQ(0xffffffff, 1, 0), /* a query */
	RETURN(SECCOMP_RET_ERRNO | EPERM),
	RETURN(SECCOMP_RET_ALLOW),
	/* the kernel's keyrings are not namespaced */
	DENY(add_key),
	DENY(request_key),
	DENY(keyctl),
	/* kernel modules */
	DENY(init_module),
	DENY(finit_module),
	DENY(delete_module),
	/* another kernel */
	DENY(kexec_load),
	DENY(kexec_file_load),
	/* BPF programs in the kernel */
	DENY(bpf),
	/* other processes' memory */
	DENY(ptrace),
	DENY(process_vm_readv),
	DENY(process_vm_writev),
	/* the host's performance counters */
	DENY(perf_event_open),
	/* a tool of kernel exploits */
	DENY(userfaultfd),
	/* the mount API, old and new */
	DENY(mount),
	DENY(umount2),
	DENY(fsopen),
	DENY(fsconfig),
	DENY(fsmount),
	DENY(fspick),
	DENY(move_mount),
	DENY(open_tree),
	DENY(mount_setattr),
	DENY(pivot_root),
	/* the host's swap */
	DENY(swapon),
	DENY(swapoff),
	DENY(reboot),
	/* the clock is the host's */
	DENY(settimeofday),
	DENY(clock_settime),
	DENY(clock_adjtime),
	DENY(adjtimex),
	/* "shocker": any file of the filesystem */
	DENY(open_by_handle_at),
	/* namespaces */
	DENY(unshare),
	DENY(setns),
	/* io_uring: its calls bypass this filter */
	DENY(io_uring_setup),
	DENY(io_uring_enter),
	DENY(io_uring_register),
	/* process accounting */
	DENY(acct),
	DENY(quotactl),
	DENY(quotactl_fd),
	DENY(lookup_dcookie),
#ifdef __NR_iopl
	/* I/O ports */
	DENY(iopl),
	DENY(ioperm),
#endif
#ifdef __NR_uselib
	/* obsolete calls */
	DENY(uselib),
	DENY(_sysctl),
	DENY(create_module),
	DENY(get_kernel_syms),
	DENY(query_module),
	DENY(nfsservctl),
	DENY(ustat),
	DENY(sysfs),
#endif
	RETURN(SECCOMP_RET_ALLOW),
};

/* Load the filter. The kernel allows it with no_new_privs set, or with
 * CAP_SYS_ADMIN: harden() orders the steps for either case. */
static void install_seccomp(void)
{
	struct sock_fprog program = {
		.len = ARRAY_SIZE(filter),
		.filter = (struct sock_filter *)filter,
	};

	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) == -1)
		die("prctl PR_SET_SECCOMP");
}

/*
 * Keep the capabilities in caps, a bit per capability, and no other: out
 * of the bounding set first (while we still have CAP_SETPCAP), so that no
 * exec of a set-id or file-capability program brings one back; then
 * effective = permitted = caps, inheritable and ambient empty.
 */
static void drop_capabilities(unsigned long long caps)
{
	struct __user_cap_header_struct head = {
		.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2] = {{0}};
	int cap, in;

	for (cap = 0; (in = prctl(PR_CAPBSET_READ, cap, 0, 0, 0)) >= 0; cap++)
		if (in == 0) /* not ours to give (--cap-add ALL) */
			caps &= ~(1ULL << cap);
		else if (!(caps >> cap & 1) &&
			 prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == -1)
			die("drop capability %d from the bounding set", cap);
	caps &= (1ULL << cap) - 1; /* those this kernel has */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) == -1)
		die("clear the ambient capabilities");
	data[0].effective = data[0].permitted = caps & 0xffffffff;
	data[1].effective = data[1].permitted = caps >> 32;
	if (syscall(SYS_capset, &head, data) == -1)
		die("capset");
}

/*
 * The last steps before exec, for the container's first process and for
 * every exec into it, in the order runc and crun follow: rlimits, close
 * what the command must not inherit, capabilities, no_new_privs, and
 * seccomp last, so that the calls before it need not be allowed. Without
 * no_new_privs, installing a filter takes CAP_SYS_ADMIN: then the filter
 * goes in before the capabilities go (capset and prctl stay allowed).
 */
static void harden(unsigned long long caps, int no_new_privs, int seccomp)
{
	struct rlimit nofile;

	/* rootless, the user's hard limit may be lower already */
	if (getrlimit(RLIMIT_NOFILE, &nofile) == -1)
		die("getrlimit RLIMIT_NOFILE");
	if (nofile.rlim_max > NOFILE_HARD)
		nofile.rlim_max = NOFILE_HARD;
	nofile.rlim_cur = NOFILE_SOFT < nofile.rlim_max ? NOFILE_SOFT
							: nofile.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &nofile) == -1)
		die("setrlimit RLIMIT_NOFILE");
	/* fds 3 and up, the caller's included, close at the exec */
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == -1)
		die("close_range");
	if (seccomp && !no_new_privs)
		install_seccomp();
	drop_capabilities(caps);
	if (no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		die("prctl PR_SET_NO_NEW_PRIVS");
	if (seccomp && no_new_privs)
		install_seccomp();
}

/*
 * Device nodes: the container keeps CAP_MKNOD, as with docker, but a
 * node it makes is of no use: every filesystem it can write to is
 * mounted nodev (the root, volumes and what is below them, /dev/shm),
 * except /dev, which is
 * made read-only here, once its standard nodes are in. (Docker uses the
 * device cgroup instead, a BPF program on v2.)
 */
static void seal_dev(void)
{
	if (mount(NULL, "/dev", NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID,
		  "mode=755,size=65536k") == -1)
		die("remount `/dev` read-only");
}

/* A path bound on itself, then remounted read-only; if it exists. */
static void make_readonly(const char *p)
{
	if (access(p, F_OK) == -1 && errno == ENOENT)
		return;
	if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) == -1 ||
	    mount(NULL, p, NULL,
		  MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV |
			  MS_NOEXEC,
		  NULL) == -1)
		die("make `%s` read-only", p);
}

/*
 * docker's masked and read-only paths of /proc and /sys: kcore is the
 * host's memory, keys the keyrings, sysrq-trigger crashes the host,
 * /proc/sys/kernel/core_pattern runs a program on the host at the next
 * core dump. A path this kernel does not have is passed over.
 */
static void mask_paths(void)
{
	struct stat st;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(masked_paths); i++) {
		const char *p = masked_paths[i];

		if (stat(p, &st) == -1) {
			if (errno == ENOENT)
				continue; /* not in this kernel */
			die("stat `%s`", p);
		}
		if (S_ISDIR(st.st_mode)
			    ? mount("tmpfs", p, "tmpfs", MS_RDONLY, NULL) == -1
			    : mount("/dev/null", p, NULL, MS_BIND, NULL) == -1)
			die("mask `%s`", p);
	}
	for (i = 0; i < ARRAY_SIZE(readonly_paths); i++)
		make_readonly(readonly_paths[i]);
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
		d = opendir(cgroup_path(dir, cfg, i, cfg->cgroup_parent, ""));
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

	cgroup_path(parent, cfg, i, cfg->cgroup_parent, "");
	if (mkdir(parent, 0755) == -1 && errno != EEXIST)
		die("mkdir `%s`", parent);
	cgroup_path(path, cfg, i, cfg->cgroup_parent, "cgroup.subtree_control");
	if (cfg->cgroup_v2 && cfg->controllers[0] != '\0' &&
	    write_file(path, "%s", cfg->controllers) == -1) {
		err = errno;
		if (access(parent, F_OK) == -1)
			return -1;
		errno = err;
		die("enable `%s` in `%s`", cfg->controllers, path);
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

	if (cfg->cgroup_v2 && !rootless &&
	    write_file(root, "%s", cfg->controllers) == -1)
		die("enable memory, cpu, pids in `%s`", root);
	for (i = 0; i < cgroup_trees(cfg); i++)
		for (tries = 0; try_create_cgroup(cfg, i) == -1; tries++)
			if (tries == 100)
				diex("parent cgroup `%s` keeps vanishing",
				     cfg->cgroup_parent);
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

	for (i = 0; cfg->cgroup[0] != '\0' && i < cgroup_trees(cfg); i++)
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

	for (i = 0; cfg->cgroup[0] != '\0' && i < cgroup_trees(cfg); i++) {
		cgroup_path(path, cfg, i, cfg->cgroup, "");
		for (tries = 0; rmdir(path) == -1 && errno == EBUSY; tries++)
			if (tries == 200 || usleep(10000) == -1)
				break;
		if (access(path, F_OK) == 0) {
			warn("rmdir `%s`", path);
			ret = -1;
		}
		/* fails, as it should, while other containers run */
		rmdir(cgroup_path(path, cfg, i, cfg->cgroup_parent, ""));
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
	/* a container that never ran is not kept: no half-made directory,
	 * and first no mount of prepare_root()'s on it */
	if (!cfg->started && (release_root(cfg) == -1 ||
			      remove_tree_last(cfg->dir, "state") == -1))
		warn("remove `%s`", cfg->dir);
}

/*
 * Rootless, a limit needs a cgroup we may write to: on v2, a subtree that
 * systemd delegated to the user (user@UID.service, whose Delegate= hands
 * down memory, cpu and pids: systemd.resource-control(5)). That is the
 * topmost cgroup, from ours upwards, that we own. Our parent goes in it,
 * so that moving the child from our cgroup to its own stays inside it,
 * where the kernel lets the owner move processes (cgroups(7) v2,
 * "delegation containment"). Without one, or without a limit's controller,
 * the limit is dropped with a warning: not an error, as a rootless run is
 * of use without limits, and podman's does the same.
 */
static void drop_limit(long long *limit, const char *option,
		       const char *controller, const char *delegated)
{
	char word[16];

	snprintf(word, sizeof(word), "+%s ", controller);
	if (*limit <= 0 || strstr(delegated, word) != NULL)
		return;
	warnx("rootless: %s ignored: no cgroup with the %s controller is "
	      "delegated to this user",
	      option, controller);
	*limit = 0;
}

/* Rootless: our cgroups go below the one systemd delegated to us, if
 * any; without one, or without a controller, the limits that need it
 * are dropped, each with one line (drop_limit()). */
static void find_delegated_cgroup(struct config *cfg)
{
	char owned[PATH_MAX] = "";

	cfg->cgroup_parent[0] = '\0';
	cfg->controllers[0] = '\0';
	if (cfg->cgroup_v2 &&
	    delegated_cgroup(CGROUP_ROOT, owned, sizeof(owned),
			     cfg->controllers, sizeof(cfg->controllers)) == -1)
		die("read /proc/self/cgroup");
	if (owned[0] != '\0' &&
	    pathf(cfg->cgroup_parent, "%s/%s", owned, CGROUP_PARENT) == -1)
		die("path of the cgroups in `%s`", owned);
	drop_limit(&cfg->limits.memory, "--memory", "memory", cfg->controllers);
	drop_limit(&cfg->limits.cpu_quota, "--cpus", "cpu", cfg->controllers);
	drop_limit(&cfg->limits.pids, "--pids-limit", "pids", cfg->controllers);
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
	int n;

	if (stat("/proc/self/ns/pid", &ns) == -1)
		die("stat `/proc/self/ns/pid`");
	cfg->host_pids = ns.st_ino == PROC_PID_INIT_INO;
	if (cfg->cgroup_parent[0] == '\0')
		return; /* no cgroup */
	if (cfg->host_pids)
		n = pathf(cfg->cgroup, "%s/%d", cfg->cgroup_parent,
			  (int)cfg->runtime);
	else
		n = pathf(cfg->cgroup, "%s/ns%u-%d", cfg->cgroup_parent,
			  (unsigned)ns.st_ino, (int)cfg->runtime);
	if (n == -1)
		diex("cgroup path under `%s` is too long", cfg->cgroup_parent);
}

/*
 * Everything the parent does before the child may start: name the cgroup
 * (name_cgroup()), find the kind of cgroup tree, sweep away what killed
 * runtimes left behind, then make the cgroup and write its limits.
 */
static void setup_cgroup(struct config *cfg)
{
	cfg->runtime = getpid();
	cfg->cgroup_v2 = cgroup_is_v2();
	snprintf(cfg->controllers, sizeof(cfg->controllers),
		 "+memory +cpu +pids");
	snprintf(cfg->cgroup_parent, sizeof(cfg->cgroup_parent), "%s",
		 CGROUP_PARENT);
	if (rootless)
		find_delegated_cgroup(cfg);
	name_cgroup(cfg);
	if (cfg->cgroup_parent[0] == '\0')
		return;
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
	/* /proc/1/exe is our binary, the host's: out of the container's
	 * reach (CVE-2019-5736), as is /proc/1/fd */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		die("prctl PR_SET_DUMPABLE");
	close(cfg->lock_fd); /* the runtime's, not the container's */
	if (cfg->net.lease.fd != -1)
		close(cfg->net.lease.fd);
	for (sig = 1; sig < NSIG; sig++)
		if (sigismember(&init_signals, sig) == 1 &&
		    sigaction(sig, &pass, NULL) == -1)
			die("sigaction %d", sig);
	start_command(cfg, cmd);
	if (sigprocmask(SIG_UNBLOCK, &init_signals, NULL) == -1 ||
	    close_range(3, ~0U, 0) == -1)
		die("sigprocmask, close_range");
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
 * The command's stdin, stdout and stderr, in the container, last thing
 * before the hardening: with -t a terminal of its own (common/pty.h),
 * whose master goes out to the runtime; else, without -i, stdin from
 * /dev/null (-d's is already). A process that shares our terminal could
 * push keys into it (TIOCSTI, which the filter denies) or read what we
 * type after it; one on a pty of its own reaches only that pty.
 */
static void attach_terminal(const struct term *t, int detached)
{
	int null;

	if (t->tty && pty_make(t->sock[1]) == -1)
		die("make the container's terminal");
	if (t->tty || t->interactive || detached)
		return;
	null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null == -1 || dup2(null, 0) == -1)
		die("stdin from /dev/null");
	close(null);
}

/*
 * -w and -u (or the image's WORKDIR and USER), last, after the
 * hardening: the directory made if missing, as docker does; the ids
 * changed to a user that is not root, whose capabilities the kernel then
 * clears (capabilities(7)), as docker's non-root user has none.
 */
static void become(const char *workdir, const char *user)
{
	char *end, *p, dir[PATH_MAX];
	unsigned long uid, gid;

	/* each parent, then the directory itself, made if missing */
	for (p = workdir ? strchr(workdir + 1, '/') : NULL; p != NULL;
	     p = strchr(p + 1, '/'))
		if (pathf(dir, "%.*s", (int)(p - workdir), workdir) == 0)
			mkdir(dir, 0755);
	if (workdir && (mkdir(workdir, 0755), chdir(workdir) == -1))
		die("workdir `%s`", workdir);
	if (user == NULL)
		return;
	uid = strtoul(user, &end, 10);
	gid = *end == ':' ? strtoul(end + 1, &end, 10) : uid;
	if (*end != '\0' || end == user)
		diex("-u `%s`: expected UID or UID:GID, numbers", user);
	/* groups first: once not root, it could change none of them */
	if (setgroups(0, NULL) == -1 || setresgid(gid, gid, gid) == -1 ||
	    setresuid(uid, uid, uid) == -1)
		die("become %lu:%lu", uid, gid);
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
	int dev_trees[ARRAY_SIZE(dev_nodes)];

	if (cfg->init && sigprocmask(SIG_BLOCK, &init_signals, NULL) == -1)
		die("sigprocmask");
	wait_for_cgroup(cfg);
	configure_network(cfg);
	take_root();
	mount_proc(".");
	mount_sys(".");
	if (cfg->user.ns || rootless)
		open_dev_nodes(dev_trees);
	enter_rootfs();
	mount_dev();
	make_dev_nodes(cfg->user.ns || rootless ? dev_trees : NULL);
	mask_paths(); /* binds /dev/null */
	seal_dev();
	set_hostname(cfg->hostname);
	redirect_to_log(cfg);
	attach_terminal(&cfg->term, cfg->detach);
	harden(cfg->sec.caps, cfg->sec.no_new_privs, cfg->sec.seccomp);
	become(cfg->workdir, cfg->run_as);
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
static const struct verb verbs[11];

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
	       "      --cap-add CAP   keep CAP too (ALL: every one)\n"
	       "      --cap-drop CAP  drop CAP of the default set (ALL: all)\n"
	       "      --security-opt no-new-privileges=false | "
	       "seccomp=unconfined\n"
	       "      --userns        root inside is an unprivileged uid of "
	       "the host\n"
	       "  -t, --tty           a terminal of its own, relayed to ours\n"
	       "  -i, --interactive   our stdin to it (else /dev/null)\n"
	       "      --entrypoint C  run C, with CMD as its arguments\n"
	       "  -w, --workdir DIR   start in DIR, made if missing\n"
	       "  -u, --user UID[:GID] run as UID, without capabilities\n"
	       "  -h, --help          print this and exit\n"
	       "An option left out, 0, or a pids limit of -1 is no limit, as "
	       "with docker run.\n"
	       "Run by a user other than root: rootless, --network none "
	       "only.\n",
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

/* --cap-add, --cap-drop NAME: docker's names, with or without CAP_, in
 * any case, or ALL. Returns its bit, CAP_ALL for ALL. */
#define CAP_ALL (1ULL << 63)
static unsigned long long parse_capability(const char *arg)
{
	const char *name = strncasecmp(arg, "CAP_", 4) == 0 ? arg + 4 : arg;
	size_t i;

	if (strcasecmp(name, "ALL") == 0)
		return CAP_ALL;
	for (i = 0; i < ARRAY_SIZE(capabilities); i++)
		if (capabilities[i].name != NULL &&
		    strcasecmp(name, capabilities[i].name) == 0)
			return 1ULL << i;
	diex("capability `%s`: unknown (such as NET_ADMIN, SYS_PTRACE, ALL)",
	     arg);
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

/* 10's options, the security ones and the terminal: 1 if opt is one. */
static int security_option(struct config *cfg, int opt, const char *arg)
{
	switch (opt) {
	case 'A':
		cfg->sec.cap_add |= parse_capability(arg);
		return 1;
	case 'D':
		cfg->sec.cap_drop |= parse_capability(arg);
		return 1;
	case 'S':
		parse_security_opt(arg, &cfg->sec.no_new_privs,
				   &cfg->sec.seccomp);
		return 1;
	case 'U':
		cfg->user.ns = 1;
		return 1;
	case 't': /* the terminal: see struct term */
		cfg->term.tty = 1;
		return 1;
	case 'i':
		cfg->term.interactive = 1;
		return 1;
	case 'E': /* --entrypoint, -w, -u: see use_image_config() */
		cfg->entrypoint = arg;
		return 1;
	case 'w':
		cfg->workdir = arg;
		return 1;
	case 'u':
		cfg->run_as = arg;
		return 1;
	}
	return 0;
}

/* What 10's options mean together, once all are read. */
static void check_security(struct config *cfg)
{
	if (cfg->user.ns && cfg->net.mode == NET_HOST)
		diex("--userns cannot share the host's network namespace "
		     "(--network host): it belongs to the host's root");
	/* docker's rules, in any order: ALL added keeps all but the dropped,
	 * ALL dropped keeps only the added, else the added win */
	if (cfg->sec.cap_add & CAP_ALL)
		cfg->sec.caps = ~(cfg->sec.cap_drop | CAP_ALL);
	else if (cfg->sec.cap_drop & CAP_ALL)
		cfg->sec.caps = cfg->sec.cap_add;
	else
		cfg->sec.caps = (cfg->sec.caps & ~cfg->sec.cap_drop) |
				cfg->sec.cap_add;
	/* -d: nothing to attach -i to; a -dit shell still waits on its pty */
	cfg->term.interactive &= !cfg->detach;
	if (cfg->term.interactive && cfg->term.tty && !isatty(0))
		diex("the input device is not a TTY (-t with -i wants one)");
}

/*
 * What starts, docker's way (common/import.h): the image's ENTRYPOINT
 * and CMD, which the command line and --entrypoint override; its ENV,
 * defaults that -e overrides; its WORKDIR and USER, unless -w and -u.
 */
static void use_image_config(struct config *cfg, char **args)
{
	struct start s;
	char *line, *eq;

	image_start(cfg->image, args, cfg->entrypoint, &s);
	cfg->argv = s.argv;
	/* its ENV, a K=V a line, each a default that -e overrides */
	for (line = s.env ? strtok(s.env, "\n") : NULL; line != NULL;
	     line = strtok(NULL, "\n"))
		if ((eq = strchr(line, '=')) != NULL) {
			*eq = '\0';
			default_env(cfg->env, &cfg->nenv, line, eq + 1);
		}
	if (cfg->workdir == NULL)
		cfg->workdir = s.workdir;
	if (cfg->run_as == NULL)
		cfg->run_as = s.user;
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
		{"cap-add", required_argument, NULL, 'A'},
		{"cap-drop", required_argument, NULL, 'D'},
		{"security-opt", required_argument, NULL, 'S'},
		{"userns", no_argument, NULL, 'U'},
		{"tty", no_argument, NULL, 't'},
		{"interactive", no_argument, NULL, 'i'},
		{"entrypoint", required_argument, NULL, 'E'},
		{"workdir", required_argument, NULL, 'w'},
		{"user", required_argument, NULL, 'u'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:m:p:dv:e:htiw:u:", options,
				  NULL)) != -1) {
		if (opt == 'h')
			usage(0);
		if (!limit_option(cfg, opt, optarg) &&
		    !network_option(cfg, opt, optarg) &&
		    !container_option(cfg, opt, optarg) &&
		    !security_option(cfg, opt, optarg))
			die_option(opt, argv); /* '?' or ':' */
	}
	if (cfg->net.npublish > 0 && cfg->net.mode != NET_BRIDGE)
		diex("--publish needs --network bridge");
	check_security(cfg);
	return optind;
}

/* Say plainly why we stop rather than fail half-way with EPERM. */
static void need_root(void)
{
	if (geteuid() != 0)
		diex("must be run as root: tar must give an image's files "
		     "their owners");
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
	"caps", /* the capabilities it keeps, a bit each, for exec */
	"no_new_privs", /* 1 or 0, for exec */
	"seccomp", /* 1 or 0, for exec */
	"userns", /* 1: exec joins its user namespace */
	"cgroup", /* below the root of each tree (escaped) */
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

/* 10's keys, after 09's: what exec must repeat of the hardening, and
 * the cgroup, which rootless makes where systemd delegated one. */
static void put_security(struct state_file *s, const struct config *cfg)
{
	state_put(s, "caps", "%llx", cfg->sec.caps);
	state_put(s, "no_new_privs", "%d", cfg->sec.no_new_privs);
	state_put(s, "seccomp", "%d", cfg->sec.seccomp);
	state_put(s, "userns", "%d", cfg->user.ns || rootless);
	state_put(s, "cgroup", "%s", cfg->cgroup);
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
	put_security(&s, cfg);
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
	static const char *const subdirs[] = {"upper", "work", "merged",
					      "lower"};
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
	for (i = 0; i < ARRAY_SIZE(subdirs) - !cfg->user.ns; i++)
		if (mkdir(container_file(path, cfg->id, subdirs[i]), 0755) ==
			    -1 ||
		    (cfg->user.ns && i < 2 &&
		     chown(path, cfg->user.uid_base, cfg->user.gid_base) == -1))
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
	/* the sync pipe; with -t, the socket on which the child, once in
	 * the container, sends its pty's master back (attach_terminal()) */
	if (sync_init(cfg->sync) == -1 ||
	    (cfg->term.tty && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC,
					 0, cfg->term.sock) == -1))
		die("pipe, socketpair");
	/*
	 * When stdout is a pipe, stdio keeps output in a buffer until it is
	 * full. clone() copies that buffer, so anything not yet flushed would
	 * be printed twice: once by each process.
	 */
	fflush(stdout);
	/* --network host: the host's network namespace, not a new one */
	cfg->child =
		clone(child, stack,
		      (cfg->net.mode == NET_HOST ? clone_flags & ~CLONE_NEWNET
						 : clone_flags) |
			      (cfg->user.ns ? CLONE_NEWUSER : 0),
		      cfg);
	if (cfg->child == -1)
		die("clone");
	if (cfg->user.ns) {
		write_id_maps(cfg->child, cfg);
		close(cfg->user.image_tree);
	}
	if (cfg->term.tty)
		close(cfg->term.sock[1]);
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
	/* not in the child: a mapped root (--userns) could not write them */
	if (write_etc_files(cfg->dir, cfg->hostname,
			    cfg->net.mode == NET_BRIDGE
				    ? &cfg->net.lease.address
				    : NULL,
			    cfg->net.mode == NET_HOST) == -1)
		die("write the container's /etc files in `%s`", cfg->dir);
	prepare_root(cfg);
	clone_child(cfg, stack);
	if (release_root(cfg) == -1)
		die("umount the runtime's copy of `%s`", cfg->merged);
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
	/* -t: its terminal relayed to ours (with -d, to the log) until the
	 * container's end of it closes; with -i, our keys to it as typed */
	if (cfg->term.tty && pty_serve(cfg->term.sock[0], cfg->term.interactive,
				       cfg->detach ? cfg->log_fd : 1) == -1)
		warn("relay the container's terminal");

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
	struct config cfg = {.hostname = HOSTNAME,
			     .net.lease.fd = -1,
			     .lock_fd = -1,
			     .log_fd = -1,
			     .exec_pipe = {-1, -1},
			     .start_err = -1,
			     .sec.no_new_privs = 1,
			     .sec.seccomp = 1};
	char *stack;
	int first;
	size_t i;

	/* docker's default set, before --cap-add and --cap-drop change it */
	for (i = 0; i < ARRAY_SIZE(capabilities); i++)
		if (capabilities[i].keep)
			cfg.sec.caps |= 1ULL << i;

	first = parse_options(argc, argv, &cfg);
	if (argc - first < 1)
		usage(EXIT_RUNTIME);
	if (rootless && cfg.net.mode != NET_NONE)
		diex("rootless: --network %s needs root (the host's network "
		     "namespace is root's): use --network none, loopback only",
		     net_modes[cfg.net.mode]);
	cfg.user.ns &= !rootless; /* rootless is in a user namespace anyway */
	cfg.image = argv[first];
	cfg.rootfs = resolve_rootfs(argv[first]);
	if (cfg.rootfs == NULL)
		die_rootfs(argv[first]);
	if (strpbrk(cfg.rootfs, ",:\\") != NULL)
		diex("image `%s`: overlayfs cannot take a lower layer whose "
		     "path holds `,`, `:` or `\\`",
		     cfg.rootfs);
	if (rootless && access(cfg.rootfs, R_OK | X_OK) == -1)
		die("rootless: image `%s` (imported images are root's alone: "
		    "use one of yours)",
		    cfg.rootfs);
	use_image_config(&cfg, &argv[first + 1]);
	default_environment(&cfg);

	stack = alloc_stack(STACK_SIZE(argc));
	if (stack == NULL)
		die("mmap stack of %zu bytes", STACK_SIZE(argc));
	/* rootless: into a user namespace before anything is made; --userns:
	 * the image's tree, idmapped, before the container's namespaces */
	if (rootless)
		enter_userns();
	if (cfg.user.ns)
		make_image_tree(&cfg);
	create_container(&cfg);
	if (cfg.detach)
		detach(&cfg);
	start_container(&cfg, stack);
	return wait_container(&cfg);
}

/* exec: into the container's cgroup, as its state names it, so that
 * the command is counted and limited with it. */
static void join_container_cgroup(const char *id)
{
	struct config cfg = {0};

	cfg.cgroup_v2 = cgroup_is_v2();
	container_status(id, "cgroup", cfg.cgroup, sizeof(cfg.cgroup));
	cfg.child = getpid();
	join_cgroup(&cfg);
}

/* A running container's namespaces, in the order exec joins them: with
 * --userns, the user namespace first, then those it owns. */
static const char *const namespaces[] = {"user", "ipc",	   "uts", "net",
					 "pid",	 "cgroup", "mnt"};

/* Open each, by the files in /proc/<pid>/ns of its PID 1, into fds; the
 * user namespace only with user (else fds[0] is -1). */
static void open_namespaces(const char *pid, int fds[], int user)
{
	char path[PATH_MAX];
	size_t i;

	fds[0] = -1;
	for (i = user ? 0 : 1; i < ARRAY_SIZE(namespaces); i++)
		if (pathf(path, "/proc/%s/ns/%s", pid, namespaces[i]) == -1 ||
		    (fds[i] = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			die("open `%s`", path);
}

/* exec [-t] [-i] ID CMD [ARG...]: the options, as run reads them; the
 * index of ID. */
static int exec_options(int argc, char **argv, struct term *t)
{
	static const struct option options[] = {
		{"tty", no_argument, NULL, 't'},
		{"interactive", no_argument, NULL, 'i'},
		{NULL, 0, NULL, 0},
	};
	int opt;

	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:ti", options, NULL)) != -1)
		if (opt == 't')
			t->tty = 1;
		else if (opt == 'i')
			t->interactive = 1;
		else
			die_option(opt, argv);
	if (argc - optind < 2)
		diex("usage: %s exec [-t] [-i] ID CMD [ARG...]",
		     program_invocation_short_name);
	if (t->interactive && t->tty && !isatty(0))
		diex("the input device is not a TTY (-t with -i wants one)");
	return optind;
}

/* The container's hardening, from its state, for exec's command too;
 * returns 1 if it has a user namespace of its own to join. */
static int read_security(const char *id, struct security *sec)
{
	char value[20];

	container_status(id, "caps", value, sizeof(value));
	sec->caps = strtoull(value, NULL, 16);
	container_status(id, "no_new_privs", value, sizeof(value));
	sec->no_new_privs = atoi(value);
	container_status(id, "seccomp", value, sizeof(value));
	sec->seccomp = atoi(value);
	container_status(id, "userns", value, sizeof(value));
	return atoi(value);
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
	struct security sec;
	struct term term = {0};
	char **env;
	int fds[ARRAY_SIZE(namespaces)], status, userns;
	size_t i;
	pid_t child;

	argv += exec_options(argc, argv, &term);
	find_container(argv[0], id);
	if (strcmp(container_status(id, "pid", pid, sizeof(pid)), "running") !=
	    0)
		diex("container `%s` is not running", argv[0]);
	userns = read_security(id, &sec);
	/* from here on, no process of the container may open our
	 * /proc/PID/exe or fds, the host's (CVE-2019-5736) */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		die("prctl PR_SET_DUMPABLE");
	env = load_env(id, MAX_ENV + 4);
	open_namespaces(pid, fds, userns);
	join_container_cgroup(id);
	for (i = 0; i < ARRAY_SIZE(namespaces); i++)
		if (fds[i] != -1 && setns(fds[i], 0) == -1)
			die("setns %s namespace of container %s", namespaces[i],
			    id);
	fflush(stdout);
	/* -t: as run's child does, ours sends its pty's master back */
	if (term.tty && socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
				   term.sock) == -1)
		die("socketpair");
	child = fork();
	if (child == -1)
		die("fork");
	/* the child is born in the container's PID namespace: it becomes
	 * what the container's PID 1 became before its exec */
	if (child == 0) {
		if (fds[0] != -1 && !rootless) /* rootless: root inside now */
			become_root();
		attach_terminal(&term, 0);
		harden(sec.caps, sec.no_new_privs, sec.seccomp);
		environ = env;
		execvp(argv[1], &argv[1]);
		die_exec(argv[1]);
	}
	handle_signals(child);
	if (term.tty) {
		close(term.sock[1]);
		if (pty_serve(term.sock[0], term.interactive, 1) == -1)
			warn("relay the container's terminal");
	}
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
	char dir[PATH_MAX];

	cfg.runtime = getpid();
	cfg.cgroup_v2 = cgroup_is_v2();
	container_status(id, "cgroup", cfg.cgroup, sizeof(cfg.cgroup));
	if (!safe_member(cfg.cgroup)) /* not below a tree's root: not ours */
		cfg.cgroup[0] = '\0';
	snprintf(cfg.cgroup_parent, sizeof(cfg.cgroup_parent), "%s",
		 cfg.cgroup);
	if (strrchr(cfg.cgroup_parent, '/') != NULL)
		*strrchr(cfg.cgroup_parent, '/') = '\0';
	remove_cgroup(&cfg);
	if (rootless) /* no bridge, no leases */
		return;
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
	/* rootless: files the container's users made are of ids we map */
	if (rootless)
		enter_userns();
	for (i = optind; i < argc; i++) {
		remove_container(argv[i], force, remove_leftovers);
		printf("%s\n", argv[i]);
	}
	return 0;
}

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

/* A copy of size bytes of from, the file exe, in memory, sealed: it can
 * no more be written, grown, shrunk or unsealed. */
static int sealed_copy(int from, off_t size, const char *exe)
{
	off_t off = 0;
	int copy;

	copy = memfd_create("nutshell",
			    MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	if (copy == -1 && errno == EINVAL) /* MFD_EXEC: Linux 6.3 */
		copy = memfd_create("nutshell",
				    MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (copy == -1)
		die("memfd_create");
	while (off < size)
		if (sendfile(copy, from, &off, size - off) <= 0)
			die("copy `%s` to memory", exe);
	if (fcntl(copy, F_ADD_SEALS,
		  F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) ==
	    -1)
		die("seal the copy of `%s`", exe);
	return copy;
}

/*
 * CVE-2019-5736 by the other door: a program of the container's that our
 * execve() starts as `#!/proc/self/exe` gets our binary as interpreter,
 * dumpable again, and its /proc/PID/exe is then a way to a host file
 * (chmod it, or write it once no runtime runs it). So run and exec run
 * from a copy in memory, sealed against writes, as runc does; argv[0]
 * becomes the file's path, where repo_path() finds the repository.
 */
static void run_sealed_copy(char **argv)
{
	char exe[PATH_MAX];
	ssize_t n;
	struct stat st;
	int from, copy, seals;

	from = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (from == -1 || fstat(from, &st) == -1)
		die("open /proc/self/exe");
	/* the copy already? (a binary on tmpfs has seals too, not these) */
	seals = fcntl(from, F_GET_SEALS);
	if (seals != -1 && (seals & F_SEAL_WRITE)) {
		close(from);
		return;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n == -1 || n == sizeof(exe) - 1)
		die("readlink /proc/self/exe");
	exe[n] = '\0';
	copy = sealed_copy(from, st.st_size, exe);
	argv[0] = exe;
	fexecve(copy, argv, environ);
	die("fexecve the copy of `%s`", exe);
}

/* The verbs, docker's names for what a runtime does with containers. */
static const struct verb verbs[11] = {
	{"run", run, "run [OPTIONS] IMAGE [CMD [ARG...]]"},
	{"ps", ps, "ps [-a]               list running (-a: all) containers"},
	{"exec", exec_in,
	 "exec [-it] ID CMD...  run CMD in a running container"},
	{"logs", logs,
	 "logs [-f] [-n N] ID   print the output of a -d container"},
	{"stop", stop,
	 "stop [-t SECONDS] ID  SIGTERM, SIGKILL after 10 seconds"},
	{"rm", rm,
	 "rm [-f] ID...         remove (-f: also running) containers"},
	{"images", images, "images                list the images"},
	{"import", import,
	 "import [--change I]... TARBALL NAME  image NAME of a tarball"},
	/* docker's habits, from common/ */
	{"kill", kill_verb,
	 "kill [-s SIG] ID...   a signal (KILL) to containers"},
	{"rmi", rmi, "rmi [-f] IMAGE...     remove images no container uses"},
	{"inspect", inspect,
	 "inspect ID...         containers' state, as JSON"},
};

int main(int argc, char **argv)
{
	size_t i;

	runtime_argv = argv;
	store_init(geteuid() != 0, state_keys);
	rootless = geteuid() != 0;
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
	/* the verb is the first word; it gets the words after it */
	for (i = 0; i < ARRAY_SIZE(verbs); i++) {
		if (strcmp(argv[1], verbs[i].name) != 0)
			continue;
		/* images/ is root's: what writes there needs root */
		if (verbs[i].run == import || verbs[i].run == rmi)
			need_root();
		if (verbs[i].run == run || verbs[i].run == exec_in)
			run_sealed_copy(argv);
		return verbs[i].run(argc - 1, argv + 1);
	}
	diex("unknown command `%s` (see --help)", argv[1]);
}
