/*
 * try-syscall.c - make one system call with harmless or invalid arguments
 * and print how it ended, for the tests of step 10: "ok", or the name of
 * the errno. With every capability kept (--cap-add ALL), EPERM then comes
 * from the seccomp filter, and any other errno (EFAULT, EBADF, EINVAL)
 * from the kernel, which the call reached: bubblewrap's try-syscall idea.
 * No call here can change anything: bad pointers, bad flags, bad fds;
 * but tiocsti-stdin, whose one byte goes to a terminal the test made.
 * On x86-64, the i386-* probes make their call through the 32-bit gate,
 * which the filter's architecture check kills (SIGSYS, status 159).
 *
 * usage: try-syscall NAME...      (see the table below)
 * Exit 0, or 2 for an unknown name. Built statically by the tests.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#define BAD ((long)1) /* an address nothing is mapped at */

static const struct probe {
	const char *name;
	long nr, a[6]; /* an i386-* probe: i386's number and arguments */
} probes[] = {
	{"getpid", __NR_getpid, {0}},
	{"add_key", __NR_add_key, {BAD, BAD, 0, 0, 0}},
	{"request_key", __NR_request_key, {BAD, BAD, 0, 0}},
	{"keyctl", __NR_keyctl, {1000, 0, 0, 0, 0}},
	{"init_module", __NR_init_module, {BAD, 0, BAD}},
	{"finit_module", __NR_finit_module, {-1, BAD, 0}},
	{"delete_module", __NR_delete_module, {BAD, 0}},
	{"kexec_load", __NR_kexec_load, {0, 0, 0, 0xffff0000}},
	{"kexec_file_load", __NR_kexec_file_load, {-1, -1, 0, 0, 0xffff}},
	{"bpf", __NR_bpf, {-1, 0, 0}},
	{"ptrace", __NR_ptrace, {0xffff, 0, 0, 0}},
	{"process_vm_readv", __NR_process_vm_readv, {0, 0, 0, 0, 0, 1}},
	{"process_vm_writev", __NR_process_vm_writev, {0, 0, 0, 0, 0, 1}},
	{"perf_event_open", __NR_perf_event_open, {BAD, 0, -1, -1, 0}},
	{"userfaultfd", __NR_userfaultfd, {0xffff}},
	{"mount", __NR_mount, {BAD, BAD, BAD, 0, 0}},
	{"umount2", __NR_umount2, {BAD, 0xffff}},
	{"fsopen", __NR_fsopen, {BAD, 0xffff}},
	/* a negative fd, or flags no kernel knows: EINVAL */
	{"fsconfig", __NR_fsconfig, {-1, 0xffff, 0, 0, 0}},
	{"fsmount", __NR_fsmount, {-1, 0xffffffff, 0}},
	{"fspick", __NR_fspick, {-1, BAD, 0xffffffff}},
	{"open_tree", __NR_open_tree, {-1, BAD, 0xffffffff}},
	{"move_mount", __NR_move_mount, {-1, BAD, -1, BAD, 0xffffffff}},
	{"mount_setattr", __NR_mount_setattr, {-1, BAD, 0xffffffff, BAD, 0}},
	{"pivot_root", __NR_pivot_root, {BAD, BAD}},
	{"swapon", __NR_swapon, {BAD, 0}},
	{"swapoff", __NR_swapoff, {BAD}},
	{"reboot", __NR_reboot, {0, 0, 0, 0}},
	{"settimeofday", __NR_settimeofday, {BAD, 0}},
	{"clock_settime", __NR_clock_settime, {-1, BAD}},
	{"clock_adjtime", __NR_clock_adjtime, {-1, BAD}},
	{"adjtimex", __NR_adjtimex, {BAD}},
	{"open_by_handle_at", __NR_open_by_handle_at, {-1, BAD, 0}},
	{"unshare", __NR_unshare, {0xffffffff}},
	{"setns", __NR_setns, {-1, 0}},
	/* CLONE_NEWUSER with CLONE_FS: EINVAL from the kernel, never a
	 * new process */
	{"clone-newuser", __NR_clone, {CLONE_NEWUSER | CLONE_FS, 0, 0, 0, 0}},
	{"clone3", __NR_clone3, {0, 0}},
	{"io_uring_setup", __NR_io_uring_setup, {0, BAD}},
	{"io_uring_enter", __NR_io_uring_enter, {-1, 0, 0, 0xffffffff, 0, 0}},
	{"io_uring_register", __NR_io_uring_register, {-1, 0xffff, 0, 0}},
	{"acct", __NR_acct, {BAD}},
	{"quotactl", __NR_quotactl, {-1, BAD, 0, BAD}},
	{"quotactl_fd", __NR_quotactl_fd, {-1, 0, 0, BAD}},
	/* gone from Linux 6.10 on: ENOSYS there */
	{"lookup_dcookie", __NR_lookup_dcookie, {0, BAD, 0}},
	{"personality", __NR_personality, {0x0400000}},
	{"tiocsti", __NR_ioctl, {-1, TIOCSTI, 0}},
	/* the same request with high bits set: the filter looks at the
	 * low 32 bits only, as the kernel does */
	{"tiocsti-high", __NR_ioctl, {-1, (long)(1UL << 32 | TIOCSTI), 0}},
	{"tioclinux", __NR_ioctl, {-1, TIOCLINUX, 0}},
	/* the one probe that does something: pushes "#" into the input of
	 * the terminal on fd 0, as an attacker would; the tests run it on
	 * terminals of their own making only */
	{"tiocsti-stdin", __NR_ioctl, {0, TIOCSTI, 0}},
	{"tiocgwinsz", __NR_ioctl, {-1, TIOCGWINSZ, 0}},
#ifdef __NR_iopl
	{"iopl", __NR_iopl, {4}},
	{"ioperm", __NR_ioperm, {-1, 1, 0}},
#endif
#ifdef __NR_uselib
	/* obsolete calls: most are ENOSYS on any recent kernel. ustat of
	 * device 0, which no filesystem has: EINVAL */
	{"uselib", __NR_uselib, {BAD}},
	{"_sysctl", __NR__sysctl, {BAD}},
	{"create_module", __NR_create_module, {BAD, 0}},
	{"get_kernel_syms", __NR_get_kernel_syms, {BAD}},
	{"query_module", __NR_query_module, {BAD, 0, BAD, 0, BAD}},
	{"nfsservctl", __NR_nfsservctl, {0xffff, BAD, BAD}},
	{"ustat", __NR_ustat, {0, BAD}},
	{"sysfs", __NR_sysfs, {0xffff, 0, 0}},
#endif
#ifdef __X32_SYSCALL_BIT
	{"x32-getpid", __X32_SYSCALL_BIT | __NR_getpid, {0}},
#endif
#ifdef __x86_64__
	/* i386's getpid and keyctl (20 and 288; 288 is x86-64's accept4) */
	{"i386-getpid", 20, {0}},
	{"i386-keyctl", 288, {1000, 0, 0}},
#endif
};

/*
 * A 64-bit process may still enter the kernel through the 32-bit gate:
 * the call then has i386's number and arguments, and seccomp sees
 * AUDIT_ARCH_I386. Killed there, the probe must not dump a core (on the
 * host, if core_pattern is a pipe): it makes itself non-dumpable first.
 * The kernel's -errno in the return value, as a raw call gives it.
 */
static long call_i386(const struct probe *p)
{
#ifdef __x86_64__
	long ret;

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		return -errno;
	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(p->nr), "b"(p->a[0]), "c"(p->a[1]), "d"(p->a[2])
			 : "r8", "r9", "r10", "r11", "memory", "cc");
	return ret;
#else
	(void)p;
	return -ENOSYS;
#endif
}

int main(int argc, char **argv)
{
	size_t i;
	int n, ret = 0;

	for (n = 1; n < argc; n++) {
		for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
			if (strcmp(argv[n], probes[i].name) == 0)
				break;
		if (i == sizeof(probes) / sizeof(probes[0])) {
			fprintf(stderr, "try-syscall: unknown `%s`\n", argv[n]);
			ret = 2;
			continue;
		}
		const struct probe *p = &probes[i];
		long r;

		/* what came before is out, should this call kill us */
		fflush(stdout);
		if (strncmp(p->name, "i386-", 5) == 0)
			r = call_i386(p);
		else if (strcmp(p->name, "tiocsti-stdin") == 0)
			r = ioctl(0, TIOCSTI, "#") == -1 ? -errno : 0;
		else if (syscall(p->nr, p->a[0], p->a[1], p->a[2], p->a[3],
				 p->a[4], p->a[5]) == -1)
			r = -errno;
		else
			r = 0;
		if (r < 0 && r > -4096)
			printf("%s %s\n", p->name, strerrorname_np(-r));
		else
			printf("%s ok\n", p->name);
	}
	return ret;
}
