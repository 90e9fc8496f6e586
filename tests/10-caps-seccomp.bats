#!/usr/bin/env bats
# needs: root
# 10-caps-seccomp: the complete runtime. Capabilities, no_new_privs, the
# seccomp filter, masked /proc paths, the NOFILE limit, no leaked fds, no
# usable device nodes, a safe exec. Each attack is shown to work in 09 and
# to fail in 10. A probe (tests/try-syscall.c) makes one raw system call
# with harmless or invalid arguments: with every capability kept, EPERM
# comes from the filter, anything else from the kernel.
# shellcheck disable=SC2016 # single-quoted $ is for the container's shell
load helpers

setup_file() {
	cc -std=gnu11 -Wall -Wextra -Werror -O2 -static \
		-o "$BATS_FILE_TMPDIR/try-syscall" "$REPO/tests/try-syscall.c"
}

setup() {
	requires root
	common_setup
	net_setup 10-caps-seccomp
	export NUTSHELL_CONTAINERS=$BATS_TEST_TMPDIR/containers
	RUN=$BATS_TEST_TMPDIR/run-10
	printf '#!/bin/sh\nexec %q run --rm "$@"\n' "$NET" >"$RUN"
	chmod +x "$RUN"
	# 09, for the attacks that work there
	RUN09=$BATS_TEST_TMPDIR/run-09
	printf '#!/bin/sh\nexec nsenter --net=/run/netns/%s %q run --rm "$@"\n' \
		"$HOSTNS" "$REPO/bin/09-overlay" >"$RUN09"
	chmod +x "$RUN09"
	PROBE=(-v "$BATS_FILE_TMPDIR:/probe:ro")
}
teardown() {
	local failed=0
	net_teardown || failed=1
	# after net_teardown, which kills what the test left running
	[ -z "${DELEGATED:-}" ] || rmdir "$DELEGATED/session" "$DELEGATED" || failed=1
	rootless_teardown || failed=1
	return "$failed"
}

# docker's default capabilities, as /proc/PID/status shows a set
DEFAULT_CAPS=00000000a80425fb

# 10 does all 08 and 09 do: their files, run against bin/10-caps-seccomp
# (NUTSHELL_STEP), each in a bats run of its own. Their tests of 08's and
# 09's own programs, and the properties this file carries below, are
# skipped there; at least MIN tests must have run.
assert_earlier_file_passes() { # FILE MIN
	run env NUTSHELL_STEP=10-caps-seccomp bats --tap "$REPO/tests/$1"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep '^ok ' <<<"$output" | grep -vc ' # skip')" -ge "$2" ]
}

@test "make step-10 builds the program" {
	run make step-10
	[ "$status" -eq 0 ]
	[ -x bin/10-caps-seccomp ]
}

@test "stdio and exit codes pass through (stdin with -i)" {
	assert_stdio_passes "$RUN" -i busybox
	assert_exit_codes "$RUN" busybox
}

@test "-i: our stdin reaches the command; without -i or -t it reads /dev/null, as with docker" {
	run bash -c 'echo hi | "$1" -i busybox cat' _ "$RUN"
	[ "$output" = hi ]
	run bash -c 'echo hi | "$1" busybox sh -c "cat; readlink /proc/self/fd/0"' _ "$RUN"
	[ "$status" -eq 0 ]
	[ "$output" = /dev/null ]
}

# Run a shell command line on a terminal of its own, script(1)'s pty, as a
# learner's terminal is: what it printed, carriage returns left out, and
# the NUL that script types when its own input ends, which a terminal
# echoes as ^@ (in raw mode, a container's pty does).
on_terminal() { # COMMAND-LINE
	SHELL=/bin/bash script -qec "$1" /dev/null </dev/null | script_output
}
script_output() { tr -d '\r\0' | sed 's/\^@//g'; }

@test "-t: a pty of the container's own devpts, its controlling terminal; the window size passed, and again on a resize" {
	local out
	out=$(on_terminal "stty rows 24 cols 80; $(printf %q "$RUN") -t busybox sh -c 'tty; ls -1 /dev/pts; cut -d\" \" -f7 /proc/self/stat; stty size; sleep 2; stty size' & sleep 1; stty rows 40 cols 100; wait")
	# pts/0, the only pty there; tty_nr 136:0 (pts/0) in /proc/PID/stat
	[ "$out" = "$(printf '/dev/pts/0\n0\nptmx\n%d\n24 80\n40 100' $((136 << 8)))" ]
}

@test "-it: our terminal raw while the container runs, as it was after; also when SIGTERM ends the run; -it without a terminal: 125" {
	local out run
	run=$(printf %q "$RUN")
	# before, during (the runtime in the background, on our terminal),
	# after; then SIGTERM to the runtime, which passes it on (--init)
	out=$(on_terminal "stty -g; $run -it --init busybox sleep 30 </dev/tty & sleep 1; stty -g; kill -TERM \$!; wait \$!; echo status \$?; stty -g")
	mapfile -t lines <<<"$out"
	[ "${#lines[@]}" -eq 4 ]
	[ "${lines[1]}" != "${lines[0]}" ] # raw meanwhile
	[ "${lines[2]}" = "status 143" ]
	[ "${lines[3]}" = "${lines[0]}" ]
	run "$RUN" -it busybox true </dev/null
	[ "$status" -eq 125 ]
	[[ $output == *"not a TTY"* ]]
	# -ti and the long forms read as docker reads them
	run "$RUN" -ti busybox true </dev/null
	[[ $output == *"not a TTY"* ]]
	run "$RUN" --interactive --tty busybox true </dev/null
	[[ $output == *"not a TTY"* ]]
}

@test "exec -t and -i: a pty of the command's own in the container; stdin only with -i" {
	"$NET" run -d --name term busybox sleep 60 >/dev/null
	local out
	out=$(on_terminal "$(printf %q "$NET") exec -t term sh -c 'tty; cut -d\" \" -f7 /proc/self/stat'")
	[ "$out" = "$(printf '/dev/pts/0\n%d' $((136 << 8)))" ]
	run bash -c 'echo hi | "$1" exec -i term cat' _ "$NET"
	[ "$output" = hi ]
	run bash -c 'echo hi | "$1" exec term sh -c "cat; readlink /proc/self/fd/0"' _ "$NET"
	[ "$output" = /dev/null ]
	run "$NET" exec -it term true </dev/null
	[ "$status" -eq 125 ]
	"$NET" rm -f term >/dev/null
}

@test "attack then fix: TIOCSTI from a container on our terminal types into it; on a pty of its own it reaches only that one" {
	local out run=("$RUN" --cap-add ALL --security-opt seccomp=unconfined "${PROBE[@]}")
	# the filter denies TIOCSTI (above); without it, and with every
	# capability, what a container can do to the terminal it is given
	# shows: a "#" pushed into the input of ours, read back after it
	local read_back='stty -icanon min 0 time 10; x=$(dd bs=16 count=1 2>/dev/null | tr -d "\0"); stty icanon; echo "ours [$x]"'
	out=$(on_terminal "$(printf '%q ' "${run[@]}") -i busybox /probe/try-syscall tiocsti-stdin; $read_back")
	[[ $out == *"tiocsti-stdin ok"* ]]
	[[ $out == *"ours [#]"* ]]
	out=$(on_terminal "$(printf '%q ' "${run[@]}") -it busybox /probe/try-syscall tiocsti-stdin; $read_back")
	[[ $out == *"tiocsti-stdin ok"* ]]
	[[ $out == *"ours []"* ]]
}

@test "-d -t: the monitor holds the pty's master, and logs shows what the command wrote to its terminal" {
	local id
	id=$("$NET" run -d -t busybox sh -c 'tty; echo done')
	# exited, once its monitor has let go of its lock
	eventually grep -qx status=exited "$NUTSHELL_CONTAINERS/$id/state"
	run "$NET" logs "$id"
	[ "$(tr -d '\r' <<<"$output")" = "$(printf '/dev/pts/0\ndone')" ]
	"$NET" rm "$id" >/dev/null
}

@test "/proc/self/status: docker's capabilities, none inheritable or ambient, no_new_privs, a filter" {
	assert_hardened "$RUN" busybox
	# and in 09, root had them all, and no filter
	run "$RUN09" busybox grep -E '^(CapEff|Seccomp):' /proc/self/status
	[ "$(tr -s '\t ' ' ' <<<"$output")" = "$(printf 'CapEff: %s\nSeccomp: 0' \
		"$(awk '$1 == "CapBnd:" { print $2 }' /proc/self/status)")" ]
}

@test "--cap-add, --cap-drop ALL and --security-opt change exactly that, in any order" {
	run "$RUN" --cap-add NET_ADMIN busybox grep CapEff /proc/self/status
	[ "$(tr -s '\t ' ' ' <<<"$output")" = "CapEff: 00000000a80435fb" ]
	run "$RUN" --cap-drop ALL busybox grep -E 'CapEff|CapBnd' /proc/self/status
	[ "$(tr -s '\t ' ' ' <<<"$output")" = "$(printf 'CapEff: 0000000000000000\nCapBnd: 0000000000000000')" ]
	run "$RUN" --cap-drop chown --cap-drop CAP_KILL busybox grep CapEff /proc/self/status
	[ "$(tr -s '\t ' ' ' <<<"$output")" = "CapEff: 00000000a80425da" ]
	# docker's rules, whatever the order: ALL dropped keeps the added
	run "$RUN" --cap-add NET_ADMIN --cap-drop ALL busybox grep CapEff /proc/self/status
	[ "$(tr -s '\t ' ' ' <<<"$output")" = "CapEff: 0000000000001000" ]
	# a name both dropped and added is kept
	run "$RUN" --cap-add NET_RAW --cap-drop NET_RAW busybox grep CapEff /proc/self/status
	[ "$(tr -s '\t ' ' ' <<<"$output")" = "CapEff: 00000000a80425fb" ]
	# ALL added keeps every capability the runtime has, but the dropped
	local bnd
	bnd=$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)
	run "$RUN" --cap-drop SYS_ADMIN --cap-add ALL busybox grep CapEff /proc/self/status
	[ "$(tr -s '\t ' ' ' <<<"$output")" = "CapEff: $(printf '%016x' $((0x$bnd & ~(1 << 21))))" ]
	run "$RUN" --security-opt no-new-privileges=false busybox grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status
	[ "$(tr -s '\t ' ' ' <<<"$output")" = "$(printf 'NoNewPrivs: 0\nSeccomp: 2')" ]
	run "$RUN" --security-opt seccomp=unconfined busybox grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status
	[ "$(tr -s '\t ' ' ' <<<"$output")" = "$(printf 'NoNewPrivs: 1\nSeccomp: 0')" ]
	run "$RUN" --cap-add NO_SUCH busybox true
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	run "$RUN" --security-opt apparmor=x busybox true
	[ "$status" -eq 125 ]
}

# The calls the filter denies, each tried with every capability: EPERM
# under the filter, something else without it.
DENIED=(add_key request_key keyctl init_module finit_module delete_module
	kexec_load kexec_file_load bpf ptrace process_vm_readv process_vm_writev
	perf_event_open userfaultfd mount umount2 fsopen fsconfig fsmount fspick
	open_tree move_mount mount_setattr pivot_root swapon swapoff reboot
	settimeofday clock_settime clock_adjtime adjtimex open_by_handle_at
	unshare setns clone-newuser io_uring_setup io_uring_enter
	io_uring_register acct quotactl quotactl_fd lookup_dcookie personality
	tiocsti tiocsti-high tioclinux)
# x86-64's own: I/O ports, and the obsolete calls (#ifdef __NR_uselib)
DENIED_X86_64=(iopl ioperm uselib _sysctl create_module get_kernel_syms
	query_module nfsservctl ustat sysfs)
[ "$(uname -m)" != x86_64 ] || DENIED+=("${DENIED_X86_64[@]}")

@test "property of 10: the filter, with every capability kept" {
	assert_filtered "$RUN" --cap-add ALL "${PROBE[@]}" busybox
}

@test "the filter: EPERM for each denied call, which reaches the kernel in 09 and without it" {
	local probe expected
	run "$RUN" --cap-add ALL "${PROBE[@]}" busybox /probe/try-syscall "${DENIED[@]}"
	[ "$status" -eq 0 ]
	expected=$(printf '%s EPERM\n' "${DENIED[@]}")
	[ "$output" = "${expected%$'\n'}" ]
	run "$RUN" --cap-add ALL --security-opt seccomp=unconfined "${PROBE[@]}" busybox \
		/probe/try-syscall "${DENIED[@]}"
	[ "$status" -eq 0 ]
	for probe in "${lines[@]}"; do
		[[ $probe != *" EPERM" ]] || { echo "the kernel said EPERM: $probe" >&2; false; }
	done
	run "$RUN09" "${PROBE[@]}" busybox /probe/try-syscall "${DENIED[@]}"
	[ "$status" -eq 0 ]
	for probe in "${lines[@]}"; do
		[[ $probe != *" EPERM" ]] || { echo "09: the kernel said EPERM: $probe" >&2; false; }
	done
}

@test "attack then fix: mount a filesystem" {
	run "$RUN09" busybox sh -c 'mount -t tmpfs tmpfs /mnt && echo mounted'
	[ "$output" = mounted ]
	run "$RUN" busybox sh -c 'mount -t tmpfs tmpfs /mnt && echo mounted'
	[ "$status" -ne 0 ]
	[[ $output != *mounted* ]]
}

@test "the filter: ordinary calls and ioctls reach the kernel; clone3 is ENOSYS; x32 is refused" {
	run "$RUN" "${PROBE[@]}" busybox /probe/try-syscall getpid tiocgwinsz clone3
	[ "$output" = "$(printf 'getpid ok\ntiocgwinsz EBADF\nclone3 ENOSYS')" ]
	if [ "$(uname -m)" = x86_64 ]; then
		run "$RUN" "${PROBE[@]}" busybox /probe/try-syscall x32-getpid
		[ "$output" = "x32-getpid EPERM" ]
	fi
	# busybox's shell, tools and ping still work
	run "$RUN" busybox sh -c 'ls / >/dev/null && ps >/dev/null && ping -c1 -W2 10.219.0.1 >/dev/null && echo fine'
	[ "$output" = fine ]
}

@test "attack then fix: mknod and open a device beyond /dev's set" {
	# /dev/kmsg, the kernel's log, is on every host (a disk or loop0
	# would be the same, where one exists); opened, not read
	run "$RUN09" busybox sh -c 'mknod /tmp/kmsg c 1 11 && (exec 3</tmp/kmsg) && echo opened'
	[ "$output" = opened ]
	assert_devices_unusable "$RUN" busybox
	# in a volume, on a tmpfs the host mounted below its directory (in a
	# mount namespace of the test's own), which allows device nodes
	mkdir -p "$BATS_TEST_TMPDIR/vol/sub"
	local script='mknod /d/sub/kmsg c 1 11 && (exec 3</d/sub/kmsg) && echo opened'
	run unshare -m sh -c 'mount -t tmpfs sub "$1/sub" && exec "$2" -v "$1:/d" busybox sh -c "$3"' \
		_ "$BATS_TEST_TMPDIR/vol" "$RUN09" "$script"
	[ "$output" = opened ]
	run unshare -m sh -c 'mount -t tmpfs sub "$1/sub" && exec "$2" -v "$1:/d" busybox sh -c "$3"' \
		_ "$BATS_TEST_TMPDIR/vol" "$RUN" "$script"
	[[ $output == *"Permission denied"* ]]
	[[ $output != *opened* ]]
}

@test "attack then fix: /proc/sysrq-trigger, /proc/sys, /proc/kcore" {
	local value
	value=$(cat /proc/sys/vm/overcommit_memory)
	# the same value written back
	run "$RUN09" busybox sh -c 'cat /proc/sys/vm/overcommit_memory > /proc/sys/vm/overcommit_memory && echo written'
	[ "$output" = written ]
	run "$RUN" busybox sh -c 'cat /proc/sys/vm/overcommit_memory > /proc/sys/vm/overcommit_memory && echo written'
	[[ $output == *"Read-only file system"* ]]
	[ "$(cat /proc/sys/vm/overcommit_memory)" = "$value" ]
	# where this kernel has them (CONFIG_MAGIC_SYSRQ, CONFIG_PROC_KCORE)
	if [ -e /proc/sysrq-trigger ]; then
		# opened for writing, nothing written
		run "$RUN09" busybox sh -c '(exec 3>>/proc/sysrq-trigger) && echo opened'
		[ "$output" = opened ]
		run "$RUN" busybox sh -c '(exec 3>>/proc/sysrq-trigger) && echo opened'
		[[ $output == *"Read-only file system"* ]]
	fi
	if [ -e /proc/kcore ]; then
		run "$RUN09" busybox sh -c 'head -c 4 /proc/kcore | od -c | head -n 1'
		[[ $output == *"E   L   F"* ]]
		run "$RUN" busybox sh -c 'wc -c </proc/kcore'
		[ "$output" = 0 ]
	fi
}

@test "attack then fix: a directory fd inherited by the runtime leads to the host's files" {
	assert_inherited_fd_reaches_host "$RUN09" busybox
	run bash -c 'exec 7</ && "$@" /bin/cat "/proc/self/fd/7$0/Makefile"' "$REPO" "$RUN" busybox
	[ "$status" -ne 0 ]
	run bash -c 'exec 7</ && "$@" ls /proc/self/fd' "$REPO" "$RUN" busybox
	[ "$output" = "$(printf '0\n1\n2\n3')" ]
}

@test "NOFILE: the hard limit is lower, and cannot be raised" {
	run "$RUN" busybox sh -c 'ulimit -Hn; ulimit -Sn; ulimit -Hn 5000 && echo raised'
	[ "${lines[0]}" = 4096 ]
	[ "${lines[1]}" = 1024 ]
	[[ $output != *raised* ]]
}

@test "exec: the same capabilities, no_new_privs, filter and fds" {
	local id
	id=$("$NET" run -d "${PROBE[@]}" busybox sleep 1000)
	assert_hardened "$NET" exec "$id"
	assert_filtered "$NET" exec "$id"
	run bash -c 'exec 7</ && "$@" ls /proc/self/fd' _ "$NET" exec "$id"
	[ "$output" = "$(printf '0\n1\n2\n3')" ]
	"$NET" rm -f "$id"
}

@test "attack then fix: --init's PID 1 is the runtime's binary, a host file" {
	run "$RUN09" --init busybox sh -c '(exec 3</proc/1/exe) && echo opened'
	[ "$output" = opened ]
	assert_init_out_of_reach "$RUN" --init busybox
	run "$RUN" --init busybox grep -E '^(CapEff|Seccomp):' /proc/1/status
	[ "$(tr -s '\t ' ' ' <<<"$output")" = "$(printf 'CapEff: %s\nSeccomp: 2' "$DEFAULT_CAPS")" ]
}

# `exec` of a script whose interpreter is /proc/self/exe: the kernel starts
# the joining runtime's own binary again, dumpable, as the container's
# process. Its stderr is a full pipe, so it waits in its first write (the
# error message about its argument) while another process of the
# container reads its /proc/PID/exe. Prints what that process saw: the
# link, then the result of TRY (in the container's shell, P the link).
# The image is busybox with the host's loader and C library: the runtime's
# binary is dynamic, and its loader is looked for in the container's root
# (in a static image, the kernel's execve() fails with ENOENT).
exe_attack() { # RUNTIME TRY
	local id front full=$BATS_TEST_TMPDIR/full img=$BATS_TEST_TMPDIR/glibc lib
	if [ ! -d "$img" ]; then
		copy_image "$img"
		for lib in $(ldd "$REPO/bin/10-caps-seccomp" | grep -o '/[^ ]*'); do
			mkdir -p "$img${lib%/*}"
			cp -L "$lib" "$img$lib"
		done
	fi
	id=$("$1" run -d "$img" sh -c 'printf "#!/proc/self/exe\n" >/x && chmod +x /x && exec sleep 1000')
	rm -f "$full"
	mkfifo "$full"
	exec 8<>"$full"
	head -c 65536 /dev/zero >&8
	"$1" exec "$id" /x 2>&8 3>&- &
	front=$!
	# up to 30 s for the front exec to get there: a loaded host (two
	# suites at once) once took more than 10
	run "$1" exec "$id" sh -c 'for i in $(seq 300); do
		p=$(grep -l "^/proc/self/exe" /proc/[0-9]*/cmdline 2>/dev/null) && break
		sleep 0.1
	done
	[ -n "$p" ] || { echo "no process runs /x"; exit 1; }
	P=${p%/cmdline}/exe
	readlink "$P"
	eval "$0"' "$2"
	head -c 65536 <&8 >/dev/null
	exec 8>&-
	wait "$front" || true
	"$1" rm -f "$id"
}

@test "attack then fix: exec of a #!/proc/self/exe script hands the container the runtime's binary" {
	local net09=$BATS_TEST_TMPDIR/net-09-overlay
	printf '#!/bin/sh\nexec nsenter --net=/run/netns/%s %q "$@"\n' \
		"$HOSTNS" "$REPO/bin/09-overlay" >"$net09"
	chmod +x "$net09"
	# in 09, the host's file itself (to chmod, or to write once no 09
	# runs it; the test only reads it)
	exe_attack "$net09" 'stat -Lc %i "$P"'
	[ "${lines[0]}" = "$(realpath "$REPO/bin/09-overlay")" ]
	[ "${lines[1]}" = "$(stat -c %i "$REPO/bin/09-overlay")" ]
	# in 10, a copy in memory, sealed: no file of the host's, not writable
	exe_attack "$NET" '(echo x >>"$P") 2>/dev/null && echo written || echo refused'
	[ "${lines[0]}" = "/memfd:nutshell (deleted)" ]
	[ "${lines[1]}" = refused ]
}

@test "the filter: every DENY() of steps/10-caps-seccomp.c has its probe in DENIED" {
	local denied=" ${DENIED[*]} ${DENIED_X86_64[*]} " name missing=()
	run sed -n 's/^\tDENY(\([a-z0-9_]*\)),.*/\1/p' "$REPO/steps/10-caps-seccomp.c"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -ge 40 ] # the filter's lines, as they are written
	for name in "${lines[@]}"; do
		[[ $denied == *" $name "* ]] || missing+=("$name")
	done
	[ "${#missing[@]}" -eq 0 ] || {
		echo "denied, without a probe in DENIED: ${missing[*]}" >&2
		false
	}
}

@test "property of 10: a 32-bit call (int 0x80) kills the process, the filter's architecture check; in 09 it reaches the kernel" {
	[ "$(uname -m)" = x86_64 ] || skip "x86-64's 32-bit calls"
	[ -e /proc/sys/abi/vsyscall32 ] || skip "a kernel without IA32 emulation"
	# i386's keyctl is 288, x86-64's accept4: a filter that looked at
	# the number alone would let it through
	run "$RUN09" "${PROBE[@]}" busybox /probe/try-syscall i386-getpid i386-keyctl
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'i386-getpid ok\ni386-keyctl EOPNOTSUPP')" ]
	local call
	for call in i386-getpid i386-keyctl; do
		run "$RUN" --cap-add ALL "${PROBE[@]}" busybox /probe/try-syscall getpid "$call" getpid
		[ "$status" -eq 159 ] # SIGSYS
		[ "$output" = "getpid ok" ]
	done
}

# `exec` with a descriptor of the host's / open (fd 7): its process that
# joins the container is held past harden(), where it has the container's
# capabilities: its execvp() fails (which leaves it as it was), and it
# waits in its first write, the error line, to a full pipe (its stderr).
# Meanwhile another process of the container looks into its /proc/PID,
# once it sees there the capabilities it has itself. Prints the joining
# process's CapEff, then what could be read: the host's Makefile through
# its fd 7, its environ, its exe.
join_attack() { # RUNTIME
	local id front full=$BATS_TEST_TMPDIR/full
	id=$("$1" run -d busybox sleep 1000)
	rm -f "$full"
	mkfifo "$full"
	exec 8<>"$full"
	head -c 65536 /dev/zero >&8
	(exec 7</ && exec "$1" exec "$id" /no/such/joiner 2>&8 3>&-) &
	front=$!
	# (joine[r]: the pattern does not find this shell itself)
	run "$1" exec "$id" sh -c 'own=$(grep CapEff /proc/self/status)
	for i in $(seq 100); do
		p=$(grep -l "/no/such/joine[r]" /proc/[0-9]*/cmdline 2>/dev/null) &&
			p=${p%/cmdline} && [ "$(grep CapEff "$p/status")" = "$own" ] && break
		sleep 0.1
	done
	grep CapEff "$p/status" | tr -s "\t" " "
	cat "$p/fd/7$0/Makefile" >/dev/null 2>&1 && echo fd
	(exec 3<"$p/environ") 2>/dev/null && echo environ
	readlink "$p/exe" >/dev/null 2>&1 && echo exe
	echo done' "$REPO"
	head -c 65536 <&8 >/dev/null
	exec 8>&-
	wait "$front" || true
	"$1" rm -f "$id"
}

@test "attack then fix: a process of the container reads the host's files through the fds of exec's process as it joins" {
	local net09=$BATS_TEST_TMPDIR/net-09-overlay all
	printf '#!/bin/sh\nexec nsenter --net=/run/netns/%s %q "$@"\n' \
		"$HOSTNS" "$REPO/bin/09-overlay" >"$net09"
	chmod +x "$net09"
	all=$(awk '$1 == "CapBnd:" { print $2 }' /proc/self/status)
	join_attack "$net09"
	echo "$output" >&2
	[ "$output" = "$(printf 'CapEff: %s\nfd\nenviron\nexe\ndone' "$all")" ]
	# in 10, it has no more capabilities than the container, and is
	# not dumpable (CVE-2016-9962): its /proc/PID files are refused
	join_attack "$NET"
	echo "$output" >&2
	[ "$output" = "$(printf 'CapEff: %s\ndone' "$DEFAULT_CAPS")" ]
}

@test "--userns: uid_map from root's range in /etc/subuid, gid_map from its range in /etc/subgid" {
	local vol=$BATS_TEST_TMPDIR/vol etc=$BATS_TEST_TMPDIR/etc
	mkdir "$vol" "$etc" "$etc/upper" "$etc/work"
	chmod 777 "$vol"
	# the host's /etc stays as it is: in a mount namespace of the test's
	# own, an overlay on it takes the test's files, which the host may
	# not even have; two different ranges, root's after another user's,
	# the larger one cut to 65536
	run unshare -m sh -c 'mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/upper,workdir=$1/work" /etc &&
		printf "nobody:100000:65536\nroot:1100000000:65536\n" >/etc/subuid &&
		printf "root:1200000000:70000\n" >/etc/subgid &&
		shift && exec "$@"' _ "$etc" "$RUN" --userns -v "$vol:/vol" busybox \
		sh -c 'cat /proc/self/uid_map /proc/self/gid_map; touch /vol/made'
	[ "$status" -eq 0 ]
	[ "$(tr -s " " <<<"$output" | sed "s/^ //")" = "$(printf '0 1100000000 65536\n0 1200000000 65536')" ]
	[ "$(stat -c %u:%g "$vol/made")" = 1100000000:1200000000 ]
}

@test "08-net's tests pass against 10" {
	assert_earlier_file_passes 08-net.bats 15
}

@test "09-overlay's tests pass against 10" {
	assert_earlier_file_passes 09-overlay.bats 18
}

@test "the sealed copy, also of a binary on a tmpfs, whose files have a seal of their own" {
	local dir=$BATS_TEST_TMPDIR/tmpfs id monitor
	mkdir "$dir"
	# in a mount namespace of its own, where the monitor stays
	id=$(unshare -m sh -c 'mount -t tmpfs tmpfs "$1" && mkdir "$1/bin" &&
		cp "$2/bin/10-caps-seccomp" "$1/bin/" && ln -s "$2/images" "$1/images" &&
		exec "$1/bin/10-caps-seccomp" run -d --network none busybox sleep 1000' _ "$dir" "$REPO")
	monitor=$(sed -n 's/^monitor=//p' "$NUTSHELL_CONTAINERS/$id/state")
	[ "$(readlink "/proc/$monitor/exe")" = "/memfd:nutshell (deleted)" ]
	./bin/10-caps-seccomp rm -f "$id"
}

# --userns: the host ids that container uid and gid 0 map to, as the
# runtime chooses them (root's line of /etc/subuid, or 1000000000).
userns_base() { # /etc/subuid or /etc/subgid
	local base
	base=$(awk -F: '$1 == "root" && $3 >= 65536 && $2 > 0 { print $2; exit }' "$1" 2>/dev/null)
	echo "${base:-1000000000}"
}

@test "--userns: root inside is the mapped uid outside; the image stays root's; a volume's new file is the mapped uid's" {
	local uid gid vol=$BATS_TEST_TMPDIR/vol before
	uid=$(userns_base /etc/subuid)
	gid=$(userns_base /etc/subgid)
	before=$(tree_state "$IMAGE")
	mkdir "$vol"
	chmod 777 "$vol"
	run "$RUN" --userns -v "$vol:/vol" busybox sh -c 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map; stat -c %u:%g /bin/busybox /etc/passwd; touch /vol/made /etc/changed'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = 0 ]
	[ "$(tr -s " " <<<"${lines[2]}" | sed "s/^ //")" = "0 $uid 65536" ]
	[ "$(tr -s " " <<<"${lines[3]}" | sed "s/^ //")" = "0 $gid 65536" ]
	[ "${lines[4]}" = 0:0 ]
	[ "${lines[5]}" = 0:0 ]
	[ "$(stat -c %u:%g "$vol/made")" = "$uid:$gid" ]
	[ "$(tree_state "$IMAGE")" = "$before" ]
	# the same hardening, the same filter
	assert_hardened "$RUN" --userns busybox
	assert_filtered "$RUN" --userns --cap-add ALL "${PROBE[@]}" busybox
}

@test "--userns: its processes run as the mapped uid on the host; exec joins its user namespace" {
	local uid id pid
	uid=$(userns_base /etc/subuid)
	id=$("$NET" run -d --userns busybox sleep 1000)
	pid=$(sed -n 's/^pid=//p' "$NUTSHELL_CONTAINERS/$id/state")
	[ "$(ps -o uid= -p "$pid" | tr -d ' ')" = "$uid" ]
	run "$NET" exec "$id" sh -c 'id -u; cat /proc/self/uid_map'
	[ "${lines[0]}" = 0 ]
	[ "$(tr -s " " <<<"${lines[1]}" | sed "s/^ //")" = "0 $uid 65536" ]
	assert_hardened "$NET" exec "$id"
	"$NET" rm -f "$id"
}

@test "--userns: capabilities hold in the namespace only: host objects refuse them" {
	local vol=$BATS_TEST_TMPDIR/vol
	mkdir "$vol"
	touch "$vol/hosts-file"
	chown 1234:1234 "$vol/hosts-file"
	# with every capability and no filter, as root of the host's user
	# namespace: a device node, and the owner of a host file
	local try='mknod /tmp/null c 1 3 && echo mknod; chown 0:0 /vol/hosts-file && echo chown'
	run "$RUN" --cap-add ALL --security-opt seccomp=unconfined -v "$vol:/vol" busybox sh -c "$try"
	[ "$output" = "$(printf 'mknod\nchown')" ]
	chown 1234:1234 "$vol/hosts-file"
	# the same, in a user namespace: its capabilities reach its own ids only
	run "$RUN" --userns --cap-add ALL --security-opt seccomp=unconfined -v "$vol:/vol" busybox sh -c "$try"
	[[ $output == *"mknod: /tmp/null: Operation not permitted"* ]]
	[[ $output == *"chown: /vol/hosts-file: Operation not permitted"* ]]
	[ "$(stat -c %u:%g "$vol/hosts-file")" = 1234:1234 ]
	# --network host is the host root's: refused
	run "$RUN" --userns --network host busybox true
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	# containers below a directory others may not search (0700), and
	# their own directories root's alone: the mapped root never needs a
	# path through them
	mkdir -m 0700 "$BATS_TEST_TMPDIR/closed"
	run env NUTSHELL_CONTAINERS="$BATS_TEST_TMPDIR/closed/containers" "$RUN" --userns busybox \
		sh -c 'echo x >/made; cat /made'
	[ "$status" -eq 0 ]
	[ "$output" = x ]
	[ "$(stat -c %a "$BATS_TEST_TMPDIR/closed/containers")" = 700 ]
}

# --userns from a learner's clone: below a directory of mode 0700
# (Fedora's homes, mktemp -d's) and one of 0750 (Ubuntu's since 21.04),
# neither root's. The --userns tests of this file run in a bats run of
# their own from that clone, their temporary directories, containers and
# volumes in it too: the mapped root may search none of those directories.
@test "--userns from a clone below directories of mode 0700 and 0750, not root's: its tests pass there" {
	local home=$BATS_TEST_TMPDIR/home clone
	clone=$home/projects/nutshell
	mkdir -p "$clone/bin/tmp" "$clone/images"
	cp -a "$REPO/tests" "$REPO/steps" "$clone/"
	cp "$REPO/bin/10-caps-seccomp" "$clone/bin/"
	cp -a "$IMAGE" "$clone/images/busybox"
	chown 65534:65534 "$home" "$home/projects"
	chmod 700 "$home"
	chmod 750 "$home/projects"
	run env -u NUTSHELL_CONTAINERS -u NUTSHELL_STATE -u NUTSHELL_REPO TMPDIR="$clone/bin/tmp" \
		bats --tap -f '^--userns: ' "$clone/tests/10-caps-seccomp.bats"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(grep '^ok ' <<<"$output" | grep -vc ' # skip')" -ge 4 ]
}

# Rootless: a user made for the test (useradd, without a range of
# subordinate ids; userdel in rootless_teardown), its home of mode 0700, as
# Fedora makes them, and in the home, where a learner's clone has them, the
# program, the image and the probe (ROOTLESS_REPO); ROOTLESS, a runner that
# runs the program as the user, with a clean environment: the containers go
# to the user's XDG data directory, under ROOTLESS_HOME. The home is in
# OTHERS_DIR, which every user may pass through, as /home (for_others):
# wherever the clone is, the user reaches its own home.
rootless_setup() {
	local dir=$OTHERS_DIR/rootless file
	mkdir -p "$OTHERS_DIR"
	chmod 755 "$OTHERS_DIR"
	ROOTLESS_USER=nutshell-test-$$
	for file in /etc/subuid /etc/subgid /etc/subuid- /etc/subgid-; do
		[ -e "$file" ] || ROOTLESS_MADE+=" $file"
	done
	useradd -M -d "$dir/home" -s /bin/sh -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$ROOTLESS_USER"
	ROOTLESS_UID=$(id -u "$ROOTLESS_USER")
	ROOTLESS_GID=$(id -g "$ROOTLESS_USER")
	ROOTLESS_HOME=$dir/home
	ROOTLESS_REPO=$ROOTLESS_HOME/nutshell
	mkdir -p "$ROOTLESS_REPO/bin" "$ROOTLESS_REPO/images" "$ROOTLESS_REPO/probe"
	cp "$REPO/bin/10-caps-seccomp" "$ROOTLESS_REPO/bin/"
	cp "$BATS_FILE_TMPDIR/try-syscall" "$ROOTLESS_REPO/probe/"
	mkdir "$ROOTLESS_REPO/scripts"
	cp "$REPO/scripts/cleanup" "$ROOTLESS_REPO/scripts/"
	chown -R "$ROOTLESS_USER:" "$ROOTLESS_HOME"
	# root's, as `sudo make image` leaves it in a learner's clone
	cp -a "$IMAGE" "$ROOTLESS_REPO/images/busybox"
	chmod 700 "$ROOTLESS_HOME"
	chmod 755 "$dir"
	ROOTLESS_CONTAINERS=$ROOTLESS_HOME/.local/share/nutshell/containers
	ROOTLESS=$BATS_TEST_TMPDIR/as-user
	printf '#!/bin/sh\nexec setpriv --reuid=%s --regid=%s --clear-groups -- env -i PATH=/usr/bin:/bin HOME=%q NUTSHELL_TEST_MARK=%q %q "$@"\n' \
		"$ROOTLESS_UID" "$ROOTLESS_GID" "$ROOTLESS_HOME" "$NUTSHELL_TEST_MARK" \
		"$ROOTLESS_REPO/bin/10-caps-seccomp" >"$ROOTLESS"
	chmod +x "$ROOTLESS"
	ROOTLESS_RUN=$BATS_TEST_TMPDIR/run-as-user
	printf '#!/bin/sh\nexec %q run --rm --network none "$@"\n' "$ROOTLESS" >"$ROOTLESS_RUN"
	chmod +x "$ROOTLESS_RUN"
}

# Run CMD... where /etc/subuid and /etc/subgid give the test user 65536
# ids from FIRST, as newuidmap(1) and newgidmap(1) read them: in a mount
# namespace of its own, with an overlay on /etc. The host's files stay as
# they are; written there, two suites at once would race to make them and
# to remove them, and leave them behind.
with_subids() { # FIRST CMD...
	local etc=$BATS_TEST_TMPDIR/etc
	mkdir -p "$etc/upper" "$etc/work"
	unshare -m sh -c 'mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1/upper,workdir=$1/work" /etc &&
		printf "%s:%s:65536\n" "$2" "$3" >/etc/subuid &&
		printf "%s:%s:65536\n" "$2" "$3" >/etc/subgid &&
		shift 3 && exec "$@"' _ "$etc" "$ROOTLESS_USER" "$1" "${@:2}"
}

# The user goes, and with it its lines in /etc/subuid and /etc/subgid,
# and those files and their backups, if the test made them.
rootless_teardown() {
	[ -n "${ROOTLESS_USER:-}" ] || return 0
	userdel "$ROOTLESS_USER"
	local file
	for file in ${ROOTLESS_MADE:-}; do
		[ -s "${file%-}" ] || rm -f "$file"
	done
}

@test "rootless: a user without root runs a container: root inside, the user outside; the image is nobody's inside and unchanged" {
	rootless_setup
	local vol=$ROOTLESS_HOME/vol before
	mkdir "$vol"
	chown "$ROOTLESS_USER:" "$vol"
	before=$(tree_state "$ROOTLESS_REPO/images/busybox")
	run "$ROOTLESS_RUN" -v "$vol:/vol" busybox sh -c 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map; stat -c %u:%g /bin/busybox; hostname; touch /vol/made; touch /bin/busybox 2>/dev/null || echo refused; ls /proc/1/ns/ >/dev/null && echo proc'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[ "${lines[1]}" = 0 ]
	[ "$(tr -s " " <<<"${lines[2]}" | sed "s/^ //")" = "0 $ROOTLESS_UID 1" ]
	[ "$(tr -s " " <<<"${lines[3]}" | sed "s/^ //")" = "0 $ROOTLESS_GID 1" ]
	# the host's root is mapped to nothing: the kernel's overflow ids
	[ "${lines[4]}" = "$(</proc/sys/kernel/overflowuid):$(</proc/sys/kernel/overflowgid)" ]
	[ "${lines[5]}" = nutshell ]
	[ "${lines[6]}" = refused ]
	[ "${lines[7]}" = proc ]
	[ "$(stat -c %u:%g "$vol/made")" = "$ROOTLESS_UID:$ROOTLESS_GID" ]
	[ "$(tree_state "$ROOTLESS_REPO/images/busybox")" = "$before" ]
	# the same hardening and filter as root's containers
	assert_hardened "$ROOTLESS_RUN" busybox
	assert_filtered "$ROOTLESS_RUN" --cap-add ALL -v "$ROOTLESS_REPO/probe:/probe:ro" busybox
	# --rm: nothing stays
	[ -z "$(ls "$ROOTLESS_CONTAINERS")" ]
}

@test "rootless: an image the user owns is root's inside, and writable through the overlay" {
	rootless_setup
	chown -R "$ROOTLESS_USER:" "$ROOTLESS_REPO/images/busybox"
	run "$ROOTLESS_RUN" busybox sh -c 'stat -c %u:%g /bin/busybox; touch /bin/busybox /tmp/new && echo written; rm -r /usr && echo removed'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '0:0\nwritten\nremoved')" ]
	[ -d "$ROOTLESS_REPO/images/busybox/usr" ]
}

@test "rootless: -d, ps, exec, stop and rm; its processes are the user's on the host" {
	rootless_setup
	local id pid
	id=$("$ROOTLESS" run -d --network none busybox sleep 1000)
	pid=$(sed -n 's/^pid=//p' "$ROOTLESS_CONTAINERS/$id/state")
	[ "$(ps -o uid= -p "$pid" | tr -d ' ')" = "$ROOTLESS_UID" ]
	run "$ROOTLESS" ps
	[[ ${lines[1]} == "$id "* ]]
	run "$ROOTLESS" exec "$id" sh -c 'id -u; cat /proc/self/uid_map; readlink /proc/1/ns/user; readlink /proc/self/ns/user'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 0 ]
	[ "$(tr -s " " <<<"${lines[1]}" | sed "s/^ //")" = "0 $ROOTLESS_UID 1" ]
	[ "${lines[2]}" = "${lines[3]}" ]
	[ "${lines[2]}" = "$(readlink "/proc/$pid/ns/user")" ]
	assert_hardened "$ROOTLESS" exec "$id"
	run "$ROOTLESS" stop -t 1 "$id"
	[ "$status" -eq 0 ]
	gone "$pid"
	run "$ROOTLESS" rm "$id"
	[ "$status" -eq 0 ]
	[ -z "$(ls "$ROOTLESS_CONTAINERS")" ]
}

@test "rootless: with newuidmap and a range in /etc/subuid, 65536 ids; rm removes what they own" {
	rootless_setup
	local first=1500000000 id
	chown -R "$ROOTLESS_USER:" "$ROOTLESS_REPO/images/busybox"
	run with_subids "$first" "$ROOTLESS" run --network none --name ids busybox sh -c 'cat /proc/self/uid_map /proc/self/gid_map; mkdir -m 700 /tmp/own && touch /tmp/own/file && chown -R 1000:1000 /tmp/own'
	[ "$status" -eq 0 ]
	[ "$(tr -s " " <<<"$output" | sed "s/^ //")" = "$(printf '0 %s 1\n1 %s 65535\n0 %s 1\n1 %s 65535' \
		"$ROOTLESS_UID" "$first" "$ROOTLESS_GID" "$first")" ]
	id=$(ls "$ROOTLESS_CONTAINERS")
	[ "$(stat -c %u:%g "$ROOTLESS_CONTAINERS/$id/upper/tmp/own")" = "$((first + 999)):$((first + 999))" ]
	# owned by an id of the range, not the user's: rm removes it from
	# inside a user namespace mapped the same way
	run with_subids "$first" "$ROOTLESS" rm ids
	[ "$status" -eq 0 ]
	[ -z "$(ls "$ROOTLESS_CONTAINERS")" ]
}

# v2: a subtree delegated to the test's user, as systemd's user@UID.service
# is: the user owns it and a leaf in it that holds the caller; the
# controllers are handed down. IN_DELEGATED: a prefix that runs a command
# in that leaf.
rootless_delegate() {
	DELEGATED=/sys/fs/cgroup/nutshell-test-$$
	mkdir "$DELEGATED"
	echo "+memory +cpu +pids" >/sys/fs/cgroup/cgroup.subtree_control
	echo "+memory +cpu +pids" >"$DELEGATED/cgroup.subtree_control"
	mkdir "$DELEGATED/session"
	chown "$ROOTLESS_USER" "$DELEGATED" "$DELEGATED"/cgroup.{procs,subtree_control,threads} \
		"$DELEGATED/session" "$DELEGATED"/session/cgroup.{procs,subtree_control,threads}
	IN_DELEGATED=(sh -c 'echo $$ >"$0/session/cgroup.procs" && exec "$@"' "$DELEGATED")
}

@test "rootless: limits need a delegated cgroup: without one, a warning each and the command runs; in one (v2), they hold" {
	rootless_setup
	run "$ROOTLESS_RUN" --memory 64m --cpus 0.5 --pids-limit 20 busybox echo ran
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	[[ ${lines[0]} == *--memory* ]]
	[[ ${lines[1]} == *--cpus* ]]
	[[ ${lines[2]} == *--pids-limit* ]]
	[ "${lines[3]}" = ran ]
	cgroup_is_v2 || return 0
	local id cg pid
	rootless_delegate
	id=$("${IN_DELEGATED[@]}" "$ROOTLESS" run -d --network none --memory 64m --cpus 0.5 --pids-limit 20 busybox sleep 1000)
	cg=$(sed -n 's/^cgroup=//p' "$ROOTLESS_CONTAINERS/$id/state")
	[ "$cg" = "${DELEGATED#/sys/fs/cgroup/}/nutshell/$(sed -n 's/^monitor=//p' "$ROOTLESS_CONTAINERS/$id/state")" ]
	pid=$(sed -n 's/^pid=//p' "$ROOTLESS_CONTAINERS/$id/state")
	[ "$(cat "/proc/$pid/cgroup")" = "0::/$cg" ]
	[ "$(cat "/sys/fs/cgroup/$cg/memory.max")" = 67108864 ]
	[ "$(cat "/sys/fs/cgroup/$cg/cpu.max")" = "50000 100000" ]
	[ "$(cat "/sys/fs/cgroup/$cg/pids.max")" = 20 ]
	"$ROOTLESS" rm -f "$id"
	[ ! -e "/sys/fs/cgroup/$cg" ]
	[ ! -e "$DELEGATED/nutshell" ]
}

# SIGKILL a rootless container's runtime; the container dies with it.
kill_rootless_monitor() { # ID
	local state=$ROOTLESS_CONTAINERS/$1/state pid
	pid=$(sed -n 's/^pid=//p' "$state")
	kill -KILL "$(sed -n 's/^monitor=//p' "$state")"
	eventually gone "$pid"
}

@test "rootless: cleanup removes a killed runtime's container and its cgroup, as root or as the user; a running one with -f" {
	rootless_setup
	local in=() a b c cg cleanup
	if cgroup_is_v2; then
		rootless_delegate
		in=("${IN_DELEGATED[@]}")
	fi
	a=$("${in[@]}" "$ROOTLESS" run -d --network none busybox sleep 1000)
	b=$("${in[@]}" "$ROOTLESS" run -d --network none busybox sleep 1000)
	c=$("${in[@]}" "$ROOTLESS" run -d --network none busybox sleep 1000)
	cg=$(sed -n 's/^cgroup=//p' "$ROOTLESS_CONTAINERS/$b/state")
	if cgroup_is_v2; then [ -d "/sys/fs/cgroup/$cg" ]; else [ -z "$cg" ]; fi
	kill_rootless_monitor "$a"
	# root, in every user's directory: a dry run names a and removes nothing
	run env NUTSHELL_HOMES="$ROOTLESS_HOME" scripts/cleanup --containers --dry-run
	[ "$status" -eq 0 ]
	[[ $output == *"would: rm -r $ROOTLESS_CONTAINERS/$a"* ]]
	[ -d "$ROOTLESS_CONTAINERS/$a" ]
	cg=$(sed -n 's/^cgroup=//p' "$ROOTLESS_CONTAINERS/$a/state")
	run env NUTSHELL_HOMES="$ROOTLESS_HOME" scripts/cleanup --containers
	[ "$status" -eq 0 ]
	[ ! -e "$ROOTLESS_CONTAINERS/$a" ]
	[ -z "$cg" ] || [ ! -e "/sys/fs/cgroup/$cg" ]
	[ -d "$ROOTLESS_CONTAINERS/$b" ]
	[ -d "$ROOTLESS_CONTAINERS/$c" ]
	# the user, without root: b, killed, goes with its cgroup; c runs on
	cleanup=(setpriv --reuid="$ROOTLESS_UID" --regid="$ROOTLESS_GID" --clear-groups --
		env -i PATH=/usr/bin:/bin HOME="$ROOTLESS_HOME" NUTSHELL_TEST_MARK="$NUTSHELL_TEST_MARK"
		"$ROOTLESS_REPO/scripts/cleanup" --containers)
	kill_rootless_monitor "$b"
	cg=$(sed -n 's/^cgroup=//p' "$ROOTLESS_CONTAINERS/$b/state")
	run "${cleanup[@]}" </dev/null
	[ "$status" -eq 0 ]
	[ ! -e "$ROOTLESS_CONTAINERS/$b" ]
	[ -z "$cg" ] || [ ! -e "/sys/fs/cgroup/$cg" ]
	[ -d "$ROOTLESS_CONTAINERS/$c" ]
	# -f stops it, and it goes too
	pid=$(sed -n 's/^pid=//p' "$ROOTLESS_CONTAINERS/$c/state")
	run "${cleanup[@]}" -f
	[ "$status" -eq 0 ]
	[ ! -e "$ROOTLESS_CONTAINERS/$c" ]
	eventually gone "$pid"
	[ -z "$(find "$ROOTLESS_CONTAINERS" -mindepth 1 -type d)" ]
	[ -z "${DELEGATED:-}" ] || [ ! -e "$DELEGATED/nutshell" ]
	# nothing more to do, as root or as the user
	run env NUTSHELL_HOMES="$ROOTLESS_HOME" scripts/cleanup --containers
	[ -z "$(cleanup_said "$output")" ]
	run "${cleanup[@]}"
	[ "${#lines[@]}" -eq 1 ] # "not root: ..."
}

@test "rootless: bridge and host networking, and import, are refused in one line; nothing is made" {
	rootless_setup
	local args
	# an image as import leaves one: root's alone
	cp -a "$IMAGE" "$ROOTLESS_REPO/images/imported"
	chmod 700 "$ROOTLESS_REPO/images/imported"
	for args in "busybox true" "--network host busybox true" "-p 8080:80 busybox true" \
		"--network none imported true"; do
		# word splitting: the arguments
		# shellcheck disable=SC2086
		run "$ROOTLESS" run $args
		[ "$status" -eq 125 ]
		[ "${#lines[@]}" -eq 1 ]
	done
	[ ! -e "$ROOTLESS_HOME/.local" ]
	run "$ROOTLESS" import "$BATS_TEST_TMPDIR/none.tar" mine
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == *root* ]]
}

@test "Try it: rootless, as a user: root inside, a limit's warning, the bridge refused" {
	rootless_setup
	# as a learner runs them, in the clone in the user's own 0700 home
	run setpriv --reuid="$ROOTLESS_UID" --regid="$ROOTLESS_GID" --clear-groups -- \
		env -i PATH=/usr/bin:/bin HOME="$ROOTLESS_HOME" bash -c "cd $(printf %q "$ROOTLESS_REPO") && $(
			cat <<'EOF'
./bin/10-caps-seccomp run --rm --network none busybox sh -c 'id -u; cat /proc/self/uid_map; hostname'
./bin/10-caps-seccomp run --rm --network none --pids-limit 100 busybox echo ran
./bin/10-caps-seccomp run --rm busybox true
echo $?
EOF
		)"
	echo "$output" >&2
	[ "${lines[0]}" = 0 ]
	[ "$(tr -s " " <<<"${lines[1]}" | sed "s/^ //")" = "0 $ROOTLESS_UID 1" ]
	[ "${lines[2]}" = nutshell ]
	[[ ${lines[3]} == *"--pids-limit ignored"* ]]
	[ "${lines[4]}" = ran ]
	[[ ${lines[5]} == *"--network bridge needs root"* ]]
	[ "${lines[6]}" = 125 ]
	[ "${#lines[@]}" -eq 7 ]
	[ -z "$(ls "$ROOTLESS_CONTAINERS")" ]
}

# The properties of earlier steps, carried.

@test "carried from 02: a script without \"#!\" and 150000 arguments runs: the stack fits them" {
	copy_image "$BATS_TEST_TMPDIR/rootfs"
	assert_big_argv "$RUN" "$BATS_TEST_TMPDIR/rootfs"
}

@test "carried from 04: /proc is a proc mount, nosuid, nodev, noexec" {
	assert_proc_mounted "$RUN" busybox
}

@test "carried from 04: SIGTERM and SIGHUP are passed on; the runtime exits as the command did" {
	assert_forwards_signals "$RUN" busybox
}

@test "carried from 05: its own IPC, mount, network, PID, UTS and cgroup namespaces" {
	assert_own_namespaces "cgroup ipc mnt net pid uts" "$RUN" busybox
}

# sethostname needs CAP_SYS_ADMIN, and a mount the filter too: given
# them back, the namespaces still keep the change inside
@test "carried from 05: PID 1, and a hostname of its own" {
	assert_pid1_and_hostname "$RUN" --cap-add SYS_ADMIN busybox
}

@test "carried from 06: under a shared /, a mount made inside stays inside" {
	assert_mounts_stay_inside "$RUN" --cap-add SYS_ADMIN --security-opt seccomp=unconfined busybox
}

@test "carried from 06: pivot_root: the chroot escape finds no way out" {
	assert_no_chroot_escape "$RUN"
}

@test "carried from 06: its own private mounts: /proc, read-only /sys, a /dev with its nodes" {
	assert_standard_mounts "$RUN" busybox
}

@test "carried from 06: the image is left exactly as it was" {
	assert_image_unchanged "$RUN" busybox
}

@test "carried from 07: a cgroup of its own, with every limit asked for" {
	assert_cgroup_limits "$RUN"
}

@test "carried from 07: in its cgroup before it runs anything: the order of system calls" {
	assert_cgroup_before_exec "$RUN"
}

@test "carried from 07: no memory controller in the cgroup tree: 125, the kernel's ENOENT, a hint; nothing left" {
	carried
	assert_missing_controller "$RUN"
}

@test "carried from 07: its cgroup namespace shows its own cgroup as /" {
	assert_cgroupns_root "$RUN" busybox
}

@test "carried from 07: a run in another PID namespace takes no cgroup for stale, and names its own after its namespace too" {
	assert_sweeps_only_what_it_sees "$RUN"
}

@test "carried from 07: a runtime killed with SIGKILL takes its container along" {
	assert_dies_with_runtime "$RUN"
}

@test "make diff STEP=10 shows the filter" {
	run make diff STEP=10
	[ "$status" -eq 0 ]
	[[ $output == *'+	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) == -1)'* ]]
}

@test "carried from 08: --network none; bridge; /etc files" {
	assert_network_none "$RUN"
	assert_bridge_network "$RUN"
	assert_etc_files "$RUN"
}

@test "carried from 09: the root is an overlay; the environment is docker's" {
	assert_root_is_overlay "$RUN" busybox
	assert_clean_environment "$RUN" busybox
}

@test "Try it: 09's root keeps the caller's capabilities and has no filter; 10's has docker's fourteen, no_new_privs and a filter" {
	make step-09 step-10 >/dev/null
	run try_it "$(
		cat <<'EOF'
./bin/09-overlay run --rm busybox grep -E 'Cap|NoNewPrivs|Seccomp' /proc/self/status
./bin/10-caps-seccomp run --rm busybox grep -E 'Cap|NoNewPrivs|Seccomp' /proc/self/status
EOF
	)"
	echo "$output" >&2
	[ "$status" -eq 0 ]
	# 09 keeps whatever the caller has: every capability, from a root shell
	local all
	all=$(awk '$1 == "CapBnd:" { print $2 }' /proc/self/status)
	[ "$(tr -s '\t ' ' ' <<<"$output")" = "$(printf '%s\n' \
		"CapInh: 0000000000000000" "CapPrm: $all" "CapEff: $all" \
		"CapBnd: $all" "CapAmb: 0000000000000000" "NoNewPrivs: 0" \
		"Seccomp: 0" "Seccomp_filters: 0" \
		"CapInh: 0000000000000000" "CapPrm: $DEFAULT_CAPS" \
		"CapEff: $DEFAULT_CAPS" "CapBnd: $DEFAULT_CAPS" \
		"CapAmb: 0000000000000000" "NoNewPrivs: 1" "Seccomp: 2" \
		"Seccomp_filters: 1")" ]
}

@test "Try it: mount, unshare -U, a device node, /proc/sys and an inherited fd: in 09, then in 10" {
	run try_it "$(
		cat <<'EOF'
./bin/09-overlay run --rm busybox sh -c 'mount -t tmpfs tmpfs /mnt && echo mounted; unshare -U true && echo unshared; mknod /tmp/kmsg c 1 11 && true </tmp/kmsg && echo opened; cat /proc/sys/vm/overcommit_memory > /proc/sys/vm/overcommit_memory && echo written'
./bin/10-caps-seccomp run --rm busybox sh -c 'mount -t tmpfs tmpfs /mnt && echo mounted; unshare -U true && echo unshared; mknod /tmp/kmsg c 1 11 && true </tmp/kmsg && echo opened; cat /proc/sys/vm/overcommit_memory > /proc/sys/vm/overcommit_memory && echo written'
exec 7</
./bin/09-overlay run --rm busybox cat /proc/self/fd/7/etc/hostname
./bin/10-caps-seccomp run --rm busybox cat /proc/self/fd/7/etc/hostname
exec 7<&-
EOF
	)"
	echo "$output" >&2
	local first=${output%%$'\n'mount:*}
	[ "$first" = "$(printf 'mounted\nunshared\nopened\nwritten')" ]
	[[ $output == *$'\nmount: permission denied (are you root?)\nunshare: unshare(0x10000000): Operation not permitted\n'* ]]
	[[ $output == *$'\nsh: can\'t open /tmp/kmsg: Permission denied\n'* ]]
	[[ $output == *$'\nsh: can\'t create /proc/sys/vm/overcommit_memory: Read-only file system\n'* ]]
	[[ $output == *$'\n'"$(cat /etc/hostname)"$'\ncat: can\'t open \'/proc/self/fd/7/etc/hostname\': No such file or directory' ]]
	[ "$(cat /etc/hostname)" != nutshell ]
	[[ $output != *mounted*mounted* && $output != *written*written* ]]
}

@test "kill: SIGKILL by default, as docker's; -s by name or number; a container that does not run: 125" {
	local id
	id=$("$NET" run -d busybox sh -c 'trap "echo hup >/tmp/got" HUP; while sleep 0.1; do :; done')
	run "$NET" kill -s hup "$id"
	[ "$output" = "$id" ]
	eventually "$NET" exec "$id" test -e /tmp/got
	run "$NET" kill -s 99 "$id"
	[ "$status" -eq 125 ]
	run "$NET" kill "$id"
	[ "$status" -eq 0 ]
	eventually grep -qx exit_code=137 "$NUTSHELL_CONTAINERS/$id/state"
	run "$NET" kill "$id"
	[ "$status" -eq 125 ]
	[[ $output == *"not running"* ]]
	"$NET" rm "$id" >/dev/null
}

@test "logs -f: what the container writes, until it ends; --tail N, 0 and all" {
	local id
	id=$("$NET" run -d busybox sh -c 'for i in 1 2 3; do echo "n$i"; sleep 0.3; done')
	run "$NET" logs -f "$id"
	# -f returned once the container ended, with all it wrote
	[ "$output" = "$(printf 'n1\nn2\nn3')" ]
	grep -qx status=exited "$NUTSHELL_CONTAINERS/$id/state"
	run "$NET" logs --tail 2 "$id"
	[ "$output" = "$(printf 'n2\nn3')" ]
	run "$NET" logs -n 0 "$id"
	[ "$output" = "" ]
	run "$NET" logs --tail all "$id"
	[ "${#lines[@]}" -eq 3 ]
	run "$NET" logs --tail -1 "$id"
	[ "$status" -eq 125 ]
	"$NET" rm "$id" >/dev/null
}

@test "stop: a PID 1 deaf to SIGTERM gets one line after the first second, and SIGKILL at the deadline" {
	local id
	id=$("$NET" run -d busybox sleep 100)
	run "$NET" stop -t 2 "$id"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "10-caps-seccomp: container $id: its PID 1 did not end on SIGTERM (one with no handler for it never sees it): SIGKILL in 1 s; --init would have passed it on" ]
	[ "${lines[1]}" = "$id" ]
	grep -qx exit_code=137 "$NUTSHELL_CONTAINERS/$id/state"
	# with --init, SIGTERM ends it at once, and nothing is said
	"$NET" rm "$id" >/dev/null
	id=$("$NET" run -d --init busybox sleep 100)
	run "$NET" stop -t 2 "$id"
	[ "$output" = "$id" ]
	"$NET" rm "$id" >/dev/null
}

@test "rmi: not an image a running container uses; one a stopped container used only with -f; then it is gone" {
	local name=rmi-$$-$BATS_SUITE_TEST_NUMBER id
	# shellcheck disable=SC2034 # common_teardown removes it
	TEST_IMAGE=$name
	tar -C "$IMAGE" -cf "$BATS_TEST_TMPDIR/bb.tar" .
	"$NET" import "$BATS_TEST_TMPDIR/bb.tar" "$name"
	id=$("$NET" run -d "$name" sleep 100)
	run "$NET" rmi -f "$name"
	[ "$status" -eq 125 ]
	[[ $output == *"running"* ]]
	"$NET" stop -t 0 "$id" >/dev/null
	run "$NET" rmi "$name"
	[ "$status" -eq 125 ]
	[ -d "$REPO/images/$name" ]
	run "$NET" rmi -f "$name"
	[ "$status" -eq 0 ]
	[ "$output" = "$name" ]
	[ ! -e "$REPO/images/$name" ]
	"$NET" rm "$id" >/dev/null
	run "$NET" rmi "$name"
	[ "$status" -eq 125 ]
	run "$NET" rmi ../busybox
	[ "$status" -eq 125 ]
	[ -d "$IMAGE" ]
}

@test "a docker option the runtime has not: named, with the page that lists docker's (linked from the README), 125" {
	run "$RUN" --privileged busybox true
	[ "$status" -eq 125 ]
	[[ $output == *"unknown option \`--privileged\`"*docs/docker.md* ]]
	run "$RUN" -P busybox true
	[ "$status" -eq 125 ]
	[[ $output == *"unknown option \`-P\`"*docs/docker.md* ]]
	[ -f "$REPO/docs/docker.md" ]
	grep -q '(docs/docker.md)' "$REPO/README.md"
	# every verb of the table is there, and every verb of --help in it
	run "$NET" --help
	local verb
	for verb in run ps exec logs stop kill rm images import rmi inspect; do
		[[ $output == *" $verb "* ]]
		grep -q "^| \`docker $verb" "$REPO/docs/docker.md"
	done
}

@test "inspect: each container as JSON of one shape, whatever its name, image path and command hold; an unknown one: 125 and no JSON" {
	local img=$BATS_TEST_TMPDIR/$'odd\x01img' id1 id2
	mkdir "$img" && cp -a "$IMAGE/." "$img/"
	id1=$("$NET" run -d --name ins --network none "$img" sh -c $'sleep 30 # \xff\n"x"')
	id2=$("$NET" run -d --network none busybox true)
	eventually grep -qx status=exited "$NUTSHELL_CONTAINERS/$id2/state"
	run "$NET" inspect ins "$id2"
	[ "$status" -eq 0 ]
	python3 -c '
import json, sys
a, b = json.loads(sys.argv[1])
assert a["Id"] == sys.argv[2] and a["Name"] == "ins", a
assert a["Image"] == sys.argv[4] and a["Command"] == "sh -c sleep 30 # \ufffd\n\"x\"", a
assert a["State"]["Status"] == "running" and a["State"]["Running"] is True and a["State"]["Pid"] > 1, a
assert a["Network"] == {"Mode": "none", "IPAddress": ""}, a
assert a["Security"] == {"Capabilities": "a80425fb", "NoNewPrivileges": True, "Seccomp": True, "UserNamespace": False}, a
assert b["Id"] == sys.argv[3] and b["State"] == {"Status": "exited", "Running": False, "Pid": b["State"]["Pid"], "Monitor": b["State"]["Monitor"], "ExitCode": 0}, b
assert sorted(a) == ["Cgroup", "Command", "Created", "Id", "Image", "Name", "Network", "Security", "State"], sorted(a)
' "$output" "$id1" "$id2" "$img"
	run "$NET" inspect ins no-such-container
	[ "$status" -eq 125 ]
	[[ $output != *"["* ]]
	"$NET" rm -f ins "$id2" >/dev/null
}

@test "import --change: CMD, ENTRYPOINT, ENV, WORKDIR, USER kept with the image; run uses them unless the command line, --entrypoint, -e, -w, -u say otherwise; images shows the command; rmi takes it along" {
	local name=chg-$$-$BATS_SUITE_TEST_NUMBER
	# shellcheck disable=SC2034 # common_teardown removes it
	TEST_IMAGE=$name
	tar -C "$IMAGE" -cf "$BATS_TEST_TMPDIR/bb.tar" .
	run "$NET" import --change 'CMD ["echo", "from CMD"]' --change 'ENV GREETING=hi there' \
		--change 'WORKDIR /srv/app' --change 'USER 1000:1001' "$BATS_TEST_TMPDIR/bb.tar" "$name"
	[ "$status" -eq 0 ]
	run "$RUN" --network none "$name"
	[ "$output" = "from CMD" ]
	# the image's directory, made, its user (without capabilities), its ENV
	run "$RUN" --network none "$name" sh -c 'pwd; id -u; id -g; echo "$GREETING"; grep CapEff /proc/self/status'
	[ "$output" = "$(printf '/srv/app\n1000\n1001\nhi there\nCapEff:\t0000000000000000')" ]
	run "$RUN" --network none -w /tmp -u 0 -e GREETING=mine "$name" sh -c 'pwd; id -u; echo "$GREETING"'
	[ "$output" = "$(printf '/tmp\n0\nmine')" ]
	# --entrypoint: the image's CMD is not its arguments any more
	run "$RUN" --network none --entrypoint /bin/echo "$name"
	[ "$output" = "" ]
	run "$RUN" --network none --entrypoint /bin/echo "$name" given
	[ "$output" = given ]
	run "$NET" images
	[[ $output == *$'\n'"$name "*'["echo", "from CMD"]'* ]]
	# the shell form, an ENTRYPOINT before a command line
	run "$NET" import --change 'ENTRYPOINT ["printf", "<%s>"]' --change 'CMD echo $HOSTNAME' "$BATS_TEST_TMPDIR/bb.tar" "$name-2"
	[ "$status" -eq 0 ]
	run "$RUN" --network none "$name-2" a b
	"$NET" rmi "$name-2" >/dev/null
	[ "$output" = "<a><b>" ]
	# what this runtime does not take: one line, 125, no image
	local bad
	for bad in 'BOGUS x' 'CMD [1]' 'CMD ["a"' 'USER bob' 'WORKDIR rel' 'ENV =x' 'EXPOSE 80'; do
		run "$NET" import --change "$bad" "$BATS_TEST_TMPDIR/bb.tar" "$name-3"
		[ "$status" -eq 125 ]
		[ ! -e "$REPO/images/$name-3" ]
	done
	run "$NET" rmi "$name"
	[ "$status" -eq 0 ]
	[ ! -e "$REPO/images/.config/$name" ]
}

@test "Try it: stdin only with -i; -t, a pty of the container's devpts (under script)" {
	run try_it "$(
		cat <<'EOF'
echo typed | ./bin/10-caps-seccomp run --rm busybox sh -c 'cat; readlink /proc/self/fd/0'
echo typed | ./bin/10-caps-seccomp run --rm -i busybox cat
script -qec "./bin/10-caps-seccomp run --rm -it busybox sh -c 'tty; ps -o pid,tty,comm; exit 0'" /dev/null
EOF
	)"
	echo "$output" >&2
	output=$(script_output <<<"$output")
	[[ $output == $'/dev/null\ntyped\n/dev/pts/0\nPID   TT     COMMAND\n    1 136,0  sh\n'*' 136,0  ps'* ]]
}

@test "Try it: the probe in 09 and in 10; --security-opt seccomp=unconfined; NOFILE; ping and NET_RAW; exec; --init" {
	run try_it "$(
		cat <<'EOF'
mkdir /tmp/probe
cc -static -o /tmp/probe/try-syscall tests/try-syscall.c
./bin/09-overlay run --rm -v /tmp/probe:/probe:ro busybox /probe/try-syscall keyctl tiocsti clone3 getpid
./bin/10-caps-seccomp run --rm -v /tmp/probe:/probe:ro busybox /probe/try-syscall keyctl tiocsti clone3 getpid
./bin/10-caps-seccomp run --rm --security-opt seccomp=unconfined -v /tmp/probe:/probe:ro busybox /probe/try-syscall keyctl tiocsti clone3 getpid
./bin/10-caps-seccomp run --rm busybox sh -c 'ulimit -Sn; ulimit -Hn; ulimit -Hn 8192'
./bin/10-caps-seccomp run --rm busybox ping -c 1 -W 2 10.219.0.1
./bin/10-caps-seccomp run --rm --cap-drop NET_RAW busybox ping -c 1 -W 2 10.219.0.1
./bin/10-caps-seccomp run -d --name box busybox sleep 1000
./bin/10-caps-seccomp exec box grep -E 'CapEff|NoNewPrivs|Seccomp:' /proc/self/status
./bin/10-caps-seccomp rm -f box
./bin/10-caps-seccomp run --rm --init busybox ls -l /proc/1/exe
rm -r /tmp/probe
EOF
	)"
	echo "$output" >&2
	[[ $output == $'keyctl EOPNOTSUPP\ntiocsti EBADF\nclone3 EINVAL\ngetpid ok\n'* ]]
	[[ $output == *$'\nkeyctl EPERM\ntiocsti EPERM\nclone3 ENOSYS\ngetpid ok\n'* ]]
	[[ $output == *$'\ngetpid ok\nkeyctl EOPNOTSUPP\ntiocsti EBADF\nclone3 EINVAL\ngetpid ok\n'* ]]
	[[ $output == *$'\n1024\n4096\nsh: error setting limit: Operation not permitted\n'* ]]
	[[ $output == *$'\n1 packets transmitted, 1 packets received, 0% packet loss\n'* ]]
	[[ $output == *$'\nping: permission denied (are you root?)\n'* ]]
	[[ $output =~ $'\n'[0-9a-f]{12}$'\nCapEff:\t00000000a80425fb\nNoNewPrivs:\t1\nSeccomp:\t2\nbox\n' ]]
	[[ $output == *"ls: /proc/1/exe: cannot read link: Permission denied"* ]]
}
