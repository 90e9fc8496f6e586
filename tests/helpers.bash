# Shared by every tests/*.bats file: `load helpers`.
#
# Each test runs from the repository root (so ./bin/NN-name works as in the
# docs), and common_teardown checks that the test left nothing behind: no
# process it started still runs, no cgroup of its containers is left, and
# the mount table under the repository is as it was. What it finds, it
# reports and undoes, so that one failing test does not break the next.
# It judges only what the test itself started: the host may run containers,
# namespaced services and other test suites meanwhile.

# bats sets $output, $lines and $status for `run`; the .bats files use IMAGE.
# shellcheck disable=SC2154,SC2034,SC2016 # SC2016: $ in single quotes is for the shell inside
bats_require_minimum_version 1.5.0

REPO=${NUTSHELL_REPO:-$(cd "$BATS_TEST_DIRNAME/.." && pwd)}
IMAGE=$REPO/images/busybox

# requires root|cgroup1|cgroup2|...: skip the test, with the reason, unless
# this host has what it needs.
requires() {
	local need
	for need in "$@"; do
		case $need in
		root)
			[ "$(id -u)" -eq 0 ] || skip "needs root: run sudo make test"
			;;
		cgroup2)
			cgroup_is_v2 || skip "needs a cgroup v2 host: run make test-vm"
			;;
		cgroup1)
			! cgroup_is_v2 || skip "needs a cgroup v1 host"
			;;
		strace | script)
			# script(1) is in util-linux (on Debian and Ubuntu, bsdutils)
			command -v "$need" >/dev/null || skip "needs the $need command (see README: Requirements)"
			;;
		*)
			echo "requires: unknown requirement '$need'" >&2
			return 1
			;;
		esac
	done
}

# common_setup gives each test a mark of its own, NUTSHELL_TEST_MARK in the
# environment. Every program the test starts inherits it (the runtimes pass
# their environment on to the container), whatever namespace, root or
# session it ends up in; nobody else's processes carry it.
# Does PID carry this test's mark? Zombies and kernel threads have an empty
# environment; root may read everybody's.
is_marked() { # PID
	grep -qsxzF "NUTSHELL_TEST_MARK=$NUTSHELL_TEST_MARK" "/proc/$1/environ"
}

# The processes that carry this test's mark. The scan runs without it, so
# that it does not find itself.
marked_processes() {
	(
		export -n NUTSHELL_TEST_MARK
		grep -lsxzF "NUTSHELL_TEST_MARK=$NUTSHELL_TEST_MARK" /proc/[0-9]*/environ |
			cut -d/ -f3 || true
	)
}

# The lines of a list held in a variable; none for an empty one.
print_lines() { # TEXT
	[ -z "$1" ] || printf '%s\n' "$1"
}

# Is PID a process that still runs? Not once it is a zombie.
running() { # PID
	readlink "/proc/$1/exe" >/dev/null 2>&1
}

# Mount points under the repository (which holds the images and, through
# TMPDIR, bats' temporary directories) or under this bats run's directory,
# as "root mountpoint fstype source" lines, sorted: what a leak of ours
# changes, without the ids and options that a remount would change. A mount
# someone makes elsewhere on the host is not ours.
mount_table() {
	awk -v repo="$(realpath "$REPO")" -v run="$(realpath "${BATS_RUN_TMPDIR:-$REPO}")" '
		function under(path, dir) {
			return path == dir || index(path, dir "/") == 1
		}
		under($5, repo) || under($5, run) {
			for (i = 7; $i != "-"; i++) ;
			print $4, $5, $(i + 1), $(i + 2)
		}' /proc/self/mountinfo | sort
}

# Every container's cgroup on the host: under the nutshell parent of the v2
# tree or of any v1 tree, one directory named after its runtime's pid.
nutshell_cgroups() {
	find /sys/fs/cgroup/nutshell /sys/fs/cgroup/*/nutshell -mindepth 1 \
		-maxdepth 1 -type d 2>/dev/null | sort
}

# The cgroup directories of the runtime with pid RUNTIME, in every tree;
# fails if there are none.
runtime_cgroups() { # RUNTIME
	nutshell_cgroups | grep "/nutshell/$1\$"
}

# The cgroups of this test's containers that are still there: new since
# common_setup, and named after a runtime that carries the mark, or after
# one that runs no more (killed, or one that forgot to remove it) if the
# test started that runtime in the background (start_container), or if
# what is left in the cgroup carries the mark, or nothing is left. Another
# user's running container is not ours, nor the cgroup of another user's
# killed runtime while its container is still dying in there.
test_cgroups() {
	local cg pid ours
	comm -13 <(print_lines "$CGROUPS_BEFORE") <(nutshell_cgroups) | while read -r cg; do
		if running "${cg##*/}"; then
			is_marked "${cg##*/}" || continue
		elif [[ $STARTED_RUNTIMES != *" ${cg##*/} "* ]]; then
			# what is left in the runtime's cgroups, in every tree
			ours=yes
			for pid in $(runtime_cgroups "${cg##*/}" | sed 's|$|/cgroup.procs|' |
				xargs cat 2>/dev/null); do
				is_marked "$pid" && ours=yes && break
				ours=no
			done
			[ "$ours" = yes ] || continue
		fi
		echo "$cg"
	done
}

# Has PID ended (a zombie counts as ended)?
gone() { # PID
	! running "$1"
}

# The child of PID that runs COMM (its /proc/PID/comm), if there is one:
# the program strace started, not the children strace makes for a moment
# at its start to test the kernel's ptrace.
child_named() { # PID COMM
	local child children=()
	read -ra children <"/proc/$1/task/$1/children" 2>/dev/null || true
	for child in "${children[@]}"; do
		if [ "$(cat "/proc/$child/comm" 2>/dev/null)" = "$2" ]; then
			echo "$child"
			return 0
		fi
	done
	return 1
}

# Run CMD... until it succeeds, for up to 30 s: on a loaded host (another
# suite, a build) what takes a moment may take seconds, and a check that
# holds returns at once. (EPOCHREALTIME's point may be a comma.)
eventually() { # CMD...
	local end=$((${EPOCHREALTIME/[^0-9]/} + 30000000))
	until "$@"; do
		((${EPOCHREALTIME/[^0-9]/} < end)) || return 1
		sleep 0.05
	done
}

# SIGKILL the processes and wait, up to 30 s each, until they are gone.
kill_processes() { # PID...
	local pid
	[ $# -gt 0 ] || return 0
	kill -KILL "$@" 2>/dev/null || true
	for pid in "$@"; do
		eventually gone "$pid" || true
	done
}

# Kill what still runs in the cgroups and remove them (rmdir fails with
# EBUSY until the last process is gone: retry for up to 2 s), then their
# nutshell parents if nothing else is in there.
remove_cgroups() { # DIR...
	local cg _
	for cg in "$@"; do
		# word splitting: one pid a line
		# shellcheck disable=SC2046
		kill_processes $(cat "$cg/cgroup.procs" 2>/dev/null)
		for _ in $(seq 20); do
			if rmdir "$cg" 2>/dev/null || [ ! -d "$cg" ]; then
				break
			fi
			sleep 0.1
		done
		rmdir "${cg%/*}" 2>/dev/null || true
	done
}

# The index of the runtime's bridge in this network namespace, if any.
bridge_index() {
	ip -o link show dev nutshell0 2>/dev/null | cut -d: -f1
}

common_setup() {
	cd "$REPO" || return 1
	HOST_PIDNS=$(readlink /proc/self/ns/pid)
	CGROUPS_BEFORE=$(nutshell_cgroups)
	MOUNTS_BEFORE=$(mount_table)
	HOSTNAME_BEFORE=$(</proc/sys/kernel/hostname)
	BRIDGE_BEFORE=$(bridge_index)
	FORWARD_BEFORE=$(</proc/sys/net/ipv4/ip_forward)
	STARTED_RUNTIMES=" "
	# leases and locks of a runtime that makes a network, in the test's
	# own directory (net_setup and try_it set their own)
	export NUTSHELL_STATE=$BATS_TEST_TMPDIR/state
	# scripts/cleanup, as root, looks at no one's rootless containers
	export NUTSHELL_HOMES=
	export NUTSHELL_TEST_MARK=$BASHPID.${BATS_SUITE_TEST_NUMBER:-0}.$SRANDOM
	# for what another user runs (for_others): made when first needed
	OTHERS_DIR=/var/tmp/nutshell-test.$NUTSHELL_TEST_MARK
}

# Output of scripts/cleanup without its "keep" lines for cgroups: another
# run's on this host (a second suite's) are kept, and say so; whether the
# test's own are gone, the test checks itself (runtime_cgroups).
cleanup_said() { # OUTPUT
	grep -v '^keep /sys/fs/cgroup/' <<<"$1" || true
}

# Copy FILE... into OTHERS_DIR, a directory every user may pass through
# whatever the clone's own parents let others do (a home of mode 0700):
# what the test runs as another user must be there. Prints the copy's path
# (of the last). Under /var/tmp, on the host's root filesystem (a /tmp may
# be noexec); common_teardown removes it.
for_others() { # FILE...
	local last=${*: -1}
	mkdir -p "$OTHERS_DIR"
	chmod 755 "$OTHERS_DIR"
	cp -a "$@" "$OTHERS_DIR/"
	echo "$OTHERS_DIR/${last##*/}"
}

common_teardown() {
	local procs cgroups after renamed bridged cg pid target _
	# the test was skipped before common_setup: nothing to look for
	[ -n "${NUTSHELL_TEST_MARK:-}" ] || return 0
	# what the teardown itself runs is not the test's
	export -n NUTSHELL_TEST_MARK
	rm -rf "${OTHERS_DIR:?}"
	# an image the test imported (TEST_IMAGE), even if it failed half-way
	[ -z "${TEST_IMAGE:-}" ] ||
		rm -rf "${REPO:?}/images/${TEST_IMAGE:?}" "$REPO/images/.config/$TEST_IMAGE"
	# A container's last processes may still be dying of the SIGKILL its
	# end sent them, and its runtime removing its cgroup: look again for
	# up to a second before calling it a leak. A cgroup counts only if it
	# was there at every look: another suite's killed runtime leaves one
	# behind, which its next run removes in well under that second.
	procs=$(marked_processes)
	cgroups=$(test_cgroups)
	for _ in $(seq 10); do
		[ -n "$procs$cgroups" ] || break
		sleep 0.1
		procs=$(marked_processes)
		cgroups=$(comm -12 <(print_lines "$cgroups") <(test_cgroups))
	done
	# what runs in the test's cgroups is the test's too, marked or not
	for cg in $cgroups; do
		procs+=$'\n'$(cat "$cg/cgroup.procs" 2>/dev/null || true)
	done
	procs=$(print_lines "$procs" | sed "/^$/d" | sort -nu)
	after=$(mount_table)
	# a container that shares the host's UTS namespace renames the host
	renamed=$(</proc/sys/kernel/hostname)
	[ "$renamed" != "$HOSTNAME_BEFORE" ] || renamed=
	# a runtime run outside the test's network namespaces (net_setup)
	# makes its bridge, NAT rules and ip_forward in the host's; it is the
	# test's only if its lock is in the test's state directory (another
	# user's container may make one meanwhile)
	bridged=$(bridge_index)
	[ "$bridged" != "$BRIDGE_BEFORE" ] &&
		[ -e "${NUTSHELL_STATE:-/nonexistent}/net/$(stat -L -c %i /proc/self/ns/net)/nutshell0.lock" ] ||
		bridged=
	[ -n "$procs$cgroups$renamed$bridged" ] || [ "$after" != "$MOUNTS_BEFORE" ] || return 0

	# Say what was left, then undo it: processes first (they may hold the
	# cgroups and mounts), then the cgroups, then the mounts, deepest first.
	for pid in $procs; do
		echo "left running: $pid $(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" >&2
	done
	for cg in $cgroups; do
		echo "left behind: cgroup $cg" >&2
	done
	if [ -n "$renamed" ]; then
		echo "the test renamed the host: $HOSTNAME_BEFORE -> $renamed" >&2
		echo "$HOSTNAME_BEFORE" >/proc/sys/kernel/hostname
	fi
	if [ -n "$bridged" ]; then
		echo "the test made a bridge in the host's network namespace" >&2
		"$REPO/scripts/cleanup" --network >&2 || true
		echo "$FORWARD_BEFORE" >/proc/sys/net/ipv4/ip_forward
	fi
	if [ "$after" != "$MOUNTS_BEFORE" ]; then
		echo "the test changed the mount table under $REPO:" >&2
		diff <(print_lines "$MOUNTS_BEFORE") <(print_lines "$after") >&2 || true
	fi
	# word splitting: one pid, cgroup or mount point a line
	# shellcheck disable=SC2086
	kill_processes $procs
	# shellcheck disable=SC2086
	remove_cgroups $cgroups
	comm -13 <(print_lines "$MOUNTS_BEFORE") <(print_lines "$after") | awk '{ print $2 }' |
		sort -r | while read -r target; do
		umount -l "$target" || true
	done
	return 1
}

# Compile a small test program from tests/NAME.c into $BATS_FILE_TMPDIR.
build_test_program() {
	local name=$1
	shift
	cc -std=gnu11 -Wall -Wextra -Werror -O2 "$@" \
		-o "$BATS_FILE_TMPDIR/$name" "$REPO/tests/$name.c"
}

# The checks every runtime step must pass, whatever it isolates. RUNNER is
# the command line up to the command: "./bin/01-fork" or
# "./bin/05-allns busybox".
assert_stdio_passes() { # RUNNER...
	run "$@" echo hello
	[ "$status" -eq 0 ]
	[ "$output" = hello ]
	run bash -c 'echo data | "$@" cat' _ "$@"
	[ "$status" -eq 0 ]
	[ "$output" = data ]
}

assert_exit_codes() { # RUNNER...
	run "$@" sh -c 'exit 3'
	[ "$status" -eq 3 ]
	run -127 "$@" no-such-command
	[ "$status" -eq 127 ]
	[[ $output == *"exec \`no-such-command\`"* ]]
	# /etc/passwd exists on the host and in the image, and is not executable
	run "$@" /etc/passwd
	[ "$status" -eq 126 ]
	[[ $output == *"exec \`/etc/passwd\`"* ]]
}

# Output printed before the fork must come out once, also through a pipe.
assert_no_duplicate_output() { # RUNNER...
	build_test_program preprint -shared -fPIC
	run bash -c 'LD_PRELOAD="$0" "$@" no-such-command 2>/dev/null | cat' \
		"$BATS_FILE_TMPDIR/preprint" "$@"
	[ "$output" = printed-before-fork ]
}

# Run without root (as nobody): one line on stderr, exit 125, nothing done.
# The program runs from a copy that nobody can reach, wherever the clone is.
assert_needs_root() { # RUNNER...
	local bin
	bin=$(for_others "$1")
	run setpriv --reuid=65534 --regid=65534 --clear-groups -- "$bin" "${@:2}" true
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == *root* ]]
}

# Bad input for the steps that take ROOTFS CMD: a usage error, a missing
# image, a rootfs that is not a directory. The teardown checks that nothing
# stays mounted.
assert_bad_rootfs_input() { # BIN
	run "$1"
	[ "$status" -eq 125 ]
	run "$1" busybox
	[ "$status" -eq 125 ]
	run "$1" no-such-image true
	[ "$status" -eq 125 ]
	[[ $output == *"rootfs \`no-such-image\`"* ]]
	run "$1" /etc/passwd true
	[ "$status" -eq 125 ]
	# a directory here, named without a slash: the image path it tried,
	# and the ./NAME that was meant, in one line
	mkdir "$BATS_TEST_TMPDIR/rootfs-rel"
	run bash -c 'cd "$1" && "$2" rootfs-rel true' _ "$BATS_TEST_TMPDIR" "$(realpath "$1")"
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == *"\`$REPO/images/rootfs-rel\`: No such file or directory"* ]]
	[[ $output == *"\`./rootfs-rel\`"* ]]
}

# Start RUNNER... CMD in the background; its stdout goes to $BATS_TEST_TMPDIR/out.
# Sets RUNTIME_PID and CONTAINER_PID (the runtime's child, as the host sees it).
start_container() {
	"$@" >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	RUNTIME_PID=$!
	await_container
}

# Wait until the runtime RUNTIME_PID (step 03 or later) has a child that
# has exec'd the command: one that runs another program than the runtime,
# in another root or PID namespace (a helper the runtime runs, such as
# iptables, has neither); set CONTAINER_PID. For a runtime a test started.
await_container() {
	CONTAINER_PID=
	STARTED_RUNTIMES+="$RUNTIME_PID "
	local _ pid exe root pidns runtime=/proc/$RUNTIME_PID
	for _ in $(seq 100); do
		# the children file is one line of pids
		# shellcheck disable=SC2013
		for pid in $(cat "$runtime/task/$RUNTIME_PID/children" 2>/dev/null); do
			# a process that is exiting has lost these: not yet, or not it
			exe=$(readlink "/proc/$pid/exe") || continue
			root=$(readlink "/proc/$pid/root") || continue
			pidns=$(readlink "/proc/$pid/ns/pid") || continue
			if [ "$exe" != "$(readlink "$runtime/exe")" ] &&
				{ [ "$root" != "$(readlink "$runtime/root")" ] ||
					[ "$pidns" != "$(readlink "$runtime/ns/pid")" ]; }; then
				CONTAINER_PID=$pid
				return 0
			fi
		done
		sleep 0.05
	done
	echo "await_container: no command running under $RUNTIME_PID" >&2
	return 1
}

# The SigIgn mask of /proc/PID/status has bit N-1 set if signal N is ignored.
ignores() { # PID SIGNUM
	local mask
	mask=$(awk '$1 == "SigIgn:" { print $2 }' "/proc/$1/status")
	(((0x$mask >> ($2 - 1)) & 1))
}

# The runtime ignores SIGINT only once clone() has returned, which may be
# after the command is already running: wait for it, up to 5 s.
wait_ignores_sigint() { # PID
	local _
	for _ in $(seq 100); do
		ignores "$1" 2 && return 0
		sleep 0.05
	done
	ignores "$1" 2
}

# Wait for the background runtime and set $status to its exit status.
wait_runtime() {
	status=0
	wait "$RUNTIME_PID" || status=$?
}

# Everything about a directory tree that a container could change: names,
# types, modes, owners, sizes, modification and change times, link targets.
tree_state() { # DIR
	find "$1" -printf '%P %y %m %U %G %s %T@ %C@ %l\n' | sort
}

# A writable copy of the busybox image, for tests that add files to it.
copy_image() { # DEST
	cp -a "$IMAGE" "$1"
}

# requires cgroup2 / cgroup1 (see requires) and the paths the kernel shows.
cgroup_is_v2() {
	[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]
}

# The directory of PID's cgroup for CONTROLLER (any name on v2), as the
# host sees it in /proc/PID/cgroup.
cgroup_dir() { # PID CONTROLLER
	if cgroup_is_v2; then
		echo "/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$1/cgroup")"
	else
		echo "/sys/fs/cgroup/$2$(awk -F: -v c="$2" '
			{ n = split($2, names, ",")
			  for (i = 1; i <= n; i++) if (names[i] == c) print $3 }' "/proc/$1/cgroup")"
	fi
}

# The value of KEY in a flat keyed file such as cpu.stat ("key value" lines).
keyed() { # FILE KEY
	awk -v k="$2" '$1 == k { print $2 }' "$1"
}

# Properties that a step introduces and every later step carries. Each
# NN-name.bats calls the helpers of its own step and of every step before
# it, so that a bug in any step's copy of a lesson fails a test
# (tests/mutants.bats checks that each helper does fail on such a copy).
# RUNNER is the command line up to the command, BIN the program alone.

# SigCgt in /proc/PID/status: bit N-1 is set if signal N has a handler.
catches() { # PID SIGNUM
	local mask
	mask=$(awk '$1 == "SigCgt:" { print $2 }' "/proc/$1/status")
	(((0x$mask >> ($2 - 1)) & 1))
}

# Wait up to 5 s for PID to catch signal SIGNUM.
wait_catches() { # PID SIGNUM
	local _
	for _ in $(seq 100); do
		catches "$1" "$2" && return 0
		sleep 0.05
	done
	catches "$1" "$2"
}

# 02: a script without "#!" and 150000 arguments. execvp() runs it with
# /bin/sh, building that shell's argument list on the child's stack; a
# fixed 1 MiB stack overflows (150000 pointers are 1.2 MB). ROOTFS, if
# given, is a writable copy of the image to put the script in.
assert_big_argv() { # BIN [ROOTFS]
	local bin=$1 rootfs=${2:-} script=/no-shebang args
	# short arguments: 150000 of them must also fit the kernel's ARG_MAX
	mapfile -t args < <(yes x | head -n 150000)
	if [ -n "$rootfs" ]; then
		printf 'echo "$#"\n' >"$rootfs$script"
		chmod +x "$rootfs$script"
		run "$bin" "$rootfs" "$script" "${args[@]}"
	else
		script=$BATS_TEST_TMPDIR/no-shebang
		printf 'echo "$#"\n' >"$script"
		chmod +x "$script"
		run "$bin" "$script" "${args[@]}"
	fi
	[ "$status" -eq 0 ]
	[ "$output" = 150000 ]
}

# 03: "/" is the image, a host-only file is out of sight, and the working
# directory is the new "/" too (chroot() alone leaves it on the host).
assert_root_is_image() { # RUNNER... (ending with the image busybox)
	local hostfile=$BATS_TEST_TMPDIR/host-only
	touch "$hostfile"
	run "$@" /bin/sh -c "cat /etc/nutshell-image; test -e '$hostfile'"
	[ "$status" -eq 1 ]
	[ "$output" = "$(cat "$IMAGE/etc/nutshell-image")" ]
	# device and inode of "." and "/": the same directory
	run "$@" /bin/stat -c '%d:%i' . /
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[0]}" = "${lines[1]}" ]
	[ "$(stat -c '%d:%i' "$IMAGE")" = "${lines[0]}" ]
}

# 10: the hardened state of a process, as /proc/PID/status shows it:
# docker's default capabilities (CapPrm, CapEff, CapBnd), none inheritable
# or ambient, no_new_privs, a seccomp filter. RUNNER... runs CMD.
HARDENED_STATUS="CapInh: 0000000000000000
CapPrm: 00000000a80425fb
CapEff: 00000000a80425fb
CapBnd: 00000000a80425fb
CapAmb: 0000000000000000
NoNewPrivs: 1
Seccomp: 2"
assert_hardened() { # RUNNER...
	run "$@" cat /proc/self/status
	[ "$status" -eq 0 ]
	[ "$(grep -E '^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp):' <<<"$output" |
		tr -s '\t ' ' ')" = "$HARDENED_STATUS" ]
}

# 10: the seccomp filter. With every capability kept, each call of the
# probe (tests/try-syscall.c, built statically into PROBE_DIR, bound
# read-only at /probe) is EPERM; TIOCGWINSZ reaches the kernel; clone3 is
# ENOSYS. BIN is a program whose verb `run --rm` starts containers.
assert_filtered() { # RUNNER... (up to the image)
	local expected calls=(keyctl init_module kexec_load bpf ptrace mount
		pivot_root clock_settime open_by_handle_at unshare setns
		clone-newuser io_uring_setup tiocsti tiocsti-high)
	run "$@" /probe/try-syscall "${calls[@]}" tiocgwinsz clone3
	[ "$status" -eq 0 ]
	expected="$(printf '%s EPERM\n' "${calls[@]}")
tiocgwinsz EBADF
clone3 ENOSYS"
	[ "$output" = "$expected" ]
}

# 10: a device node made inside is of no use: every writable mount is
# nodev, and /dev is read-only. /dev/kmsg (1, 11) stands for any device.
assert_devices_unusable() { # RUNNER...
	run "$@" sh -c 'mknod /tmp/kmsg c 1 11 && (exec 3</tmp/kmsg) && echo opened; mknod /dev/kmsg2 c 1 11 || echo refused'
	[[ $output == *"Permission denied"* ]]
	[[ $output != *opened* ]]
	[[ $output == *refused* ]]
}

# 10: PID 1 of --init is the runtime's code, a host binary: the
# container cannot open it through /proc/1/exe (CVE-2019-5736), nor
# reach its descriptors.
assert_init_out_of_reach() { # RUNNER... (up to the image)
	run "$@" sh -c '(exec 3</proc/1/exe) && echo opened; readlink /proc/1/fd/1 && echo followed; echo done'
	[[ $output != *opened* ]]
	[[ $output != *followed* ]]
	[[ $output == *done ]]
}

# 09: the command's environment is docker's (PATH, HOSTNAME, HOME, and
# TERM since the host has one), none of the runtime's.
assert_clean_environment() { # RUNNER... (ending with the image)
	run env SECRET_TOKEN=x TERM=xterm "$@" env
	[ "$status" -eq 0 ]
	[ "$(sort <<<"$output")" = "$(printf '%s\n' HOME=/root HOSTNAME=nutshell \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TERM=xterm)" ]
}

# 09: the root is an overlay, with the image as its lower layer and the
# container's own upper/ (under NUTSHELL_CONTAINERS) on top; the image's
# files are there, the host's are not, and "." is "/".
assert_root_is_overlay() { # RUNNER... (ending with the image busybox)
	local hostfile=$BATS_TEST_TMPDIR/host-only
	touch "$hostfile"
	run "$@" /bin/sh -c "cat /etc/nutshell-image; test -e '$hostfile'"
	[ "$status" -eq 1 ]
	[ "$output" = "$(cat "$IMAGE/etc/nutshell-image")" ]
	run "$@" /bin/sh -c 'stat -c %d:%i . /; awk "\$5 == \"/\"" /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[0]}" = "${lines[1]}" ]
	[[ ${lines[2]} == *" - overlay overlay "*",lowerdir=$(realpath "$IMAGE"),upperdir=$NUTSHELL_CONTAINERS/"*/upper,workdir=* ]]
}

# 04: a proc filesystem on /proc, mounted nosuid, nodev and noexec.
assert_proc_mounted() { # RUNNER...
	run "$@" /bin/sh -c "awk '\$5 == \"/proc\"' /proc/self/mountinfo"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == *" - proc proc "* ]]
	local opt
	for opt in nosuid nodev noexec; do
		[[ " $(awk '{ gsub(",", " ", $6); print $6 }' <<<"$output") " == *" $opt "* ]]
	done
}

# 04: SIGTERM and SIGHUP sent to the runtime reach the command (which
# handles them here), the runtime cleans up and exits as the command did;
# Ctrl-C's SIGINT is ignored by the runtime. The teardown checks that
# nothing (mount, cgroup) was left behind.
assert_forwards_signals() { # RUNNER...
	local sig code
	for sig in TERM:7 HUP:8; do
		code=${sig#*:}
		sig=${sig%:*}
		start_container "$@" /bin/sh -c "trap 'exit $code' $sig; while :; do sleep 0.1; done"
		wait_catches "$CONTAINER_PID" "$(kill -l "$sig")"
		wait_catches "$RUNTIME_PID" "$(kill -l "$sig")"
		wait_ignores_sigint "$RUNTIME_PID"
		kill "-$sig" "$RUNTIME_PID"
		wait_runtime
		[ "$status" -eq "$code" ]
	done
}

# 05: new UTS, PID, mount, network and IPC namespaces (07 adds cgroup):
# each listed namespace differs from the host's, every other is shared.
assert_own_namespaces() { # "NS..." RUNNER...
	local own=" $1 " ns host inside
	shift
	run "$@" /bin/sh -c 'for ns in cgroup ipc mnt net pid uts user time; do readlink /proc/self/ns/$ns; done'
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 8 ]
	for ns in cgroup ipc mnt net pid uts user time; do
		host=$(readlink "/proc/self/ns/$ns")
		inside=${lines[0]}
		lines=("${lines[@]:1}")
		if [[ $own == *" $ns "* ]]; then
			[ "$inside" != "$host" ] || {
				echo "$ns namespace: the host's"
				return 1
			}
		else
			[ "$inside" = "$host" ] || {
				echo "$ns namespace: not the host's"
				return 1
			}
		fi
	done
}

# 05: the command is PID 1 and has a hostname of its own; setting it
# inside leaves the host's alone.
assert_pid1_and_hostname() { # RUNNER...
	local before
	before=$(hostname)
	run "$@" /bin/sh -c 'echo $$; hostname; hostname demo; hostname'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '1\nnutshell\ndemo')" ]
	[ "$(hostname)" = "$before" ]
}

# 04 and 05: once the command ends the runtime unmounts ROOTFS/proc on
# the host. An image whose /proc is a symlink to a host mount point must
# not make it unmount that: here a tmpfs of the test's own, in a mount
# namespace of its own, named by an absolute symlink in a copy of the
# image.
assert_proc_symlink_unmounts_nothing() { # BIN
	local rootfs=$BATS_TEST_TMPDIR/proc-link target=$BATS_TEST_TMPDIR/host-mount
	copy_image "$rootfs"
	rmdir "$rootfs/proc"
	ln -s "$target" "$rootfs/proc"
	mkdir "$target"
	run unshare -m sh -c 'mount -t tmpfs host-mount "$1" && "$2" "$3" /bin/true
		mountpoint -q "$1" && echo "still mounted"' _ "$target" "$1" "$rootfs"
	[[ $output == *"still mounted"* ]]
}

# 06: on a host whose / is shared (made so in a throwaway mount
# namespace), a mount made inside stays inside: no mount at all appears
# under the image, neither that one nor /proc.
assert_mounts_stay_inside() { # RUNNER...
	run unshare -m bash -c 'mount --make-rshared / || exit 99
		"$@" /bin/sh -c "mount -t tmpfs leak /mnt"
		echo "status $?"
		grep -F "$0" /proc/self/mountinfo' "$IMAGE" "$@"
	[ "$output" = "status 0" ]
}

# 06: pivot_root, not chroot: the chroot escape (tests/chroot-escape.c)
# cannot reach a host file. BIN gets a copy of the image with the program.
assert_no_chroot_escape() { # BIN
	local rootfs=$BATS_TEST_TMPDIR/escape-rootfs
	[ -d "$rootfs" ] || {
		copy_image "$rootfs"
		cc -static -o "$rootfs/bin/chroot-escape" "$REPO/tests/chroot-escape.c"
	}
	[ ! -e "$rootfs$REPO/Makefile" ]
	run "$1" "$rootfs" /bin/chroot-escape "$REPO/Makefile"
	[ "$status" -eq 1 ]
	[ "$output" = contained ]
}

# 06: the container's own mounts only, all private: /, /proc, /sys
# read-only, a /dev tmpfs with its nodes and links, devpts, shm (nosuid,
# nodev, noexec).
assert_standard_mounts() { # RUNNER...
	run "$@" cat /proc/self/mountinfo
	[ "$status" -eq 0 ]
	[[ $output != *shared:* && $output != *master:* ]]
	# mount point and type; "/" is the image, on whatever the host has;
	# from 08 on, the runtime's three /etc files come on top of them (08:
	# from a tmpfs; 09 on: from the container's directory); from 10 on,
	# the masked and read-only paths below /proc and /sys
	[ "$(awk '{ for (i = 7; $i != "-"; i++) ; print $5, ($5 == "/" ? "image" : $(i + 1)) }' <<<"$output" |
		grep -Ev '^/etc/(hosts|hostname|resolv.conf) |^/(proc|sys)/' | sort | tr '\n' ' ')" = \
		"/ image /dev tmpfs /dev/pts devpts /dev/shm tmpfs /proc proc /sys sysfs " ]
	[[ $(awk '$5 == "/sys" { print $6 }' <<<"$output") == ro,* ]]
	# /dev/shm as docker mounts it: no device node, set-id bit or program
	# of what is written there counts
	local shm
	shm=,$(awk '$5 == "/dev/shm" { print $6 }' <<<"$output"),
	[[ $shm == *,nosuid,* && $shm == *,nodev,* && $shm == *,noexec,* ]]
	run "$@" /bin/sh -c 'for d in null zero full random urandom tty; do stat -c "%n %F %t:%T %a" /dev/$d; done; for l in fd stdin stdout stderr ptmx; do readlink /dev/$l; done; ls /dev/pts'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\n' \
		"/dev/null character special file 1:3 666" \
		"/dev/zero character special file 1:5 666" \
		"/dev/full character special file 1:7 666" \
		"/dev/random character special file 1:8 666" \
		"/dev/urandom character special file 1:9 666" \
		"/dev/tty character special file 5:0 666" \
		/proc/self/fd /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2 \
		pts/ptmx ptmx)" ]
}

# 06: running a command leaves the image exactly as it was.
assert_image_unchanged() { # RUNNER...
	local before
	before=$(tree_state "$IMAGE")
	run "$@" /bin/true
	[ "$status" -eq 0 ]
	[ "$(tree_state "$IMAGE")" = "$before" ]
}

# The memory limit file and the swap file beside it, for this host's
# cgroup version.
memory_max_file() { if cgroup_is_v2; then echo memory.max; else echo memory.limit_in_bytes; fi; }
swap_max_file() { if cgroup_is_v2; then echo memory.swap.max; else echo memory.memsw.limit_in_bytes; fi; }

# 07: while the container runs it has a cgroup of its own, named after
# the runtime, with the limits asked for (swap included, where the kernel
# accounts it), the container in it and the runtime not; it is removed
# when the container ends.
assert_cgroup_limits() { # BIN [ROOTFS]
	start_container "$1" -m 32m --pids-limit 20 --cpus 0.5 "${2:-busybox}" /bin/sleep 30
	local mem cpu pids
	mem=$(cgroup_dir "$CONTAINER_PID" memory)
	cpu=$(cgroup_dir "$CONTAINER_PID" cpu)
	pids=$(cgroup_dir "$CONTAINER_PID" pids)
	[[ $mem == */nutshell/"$RUNTIME_PID" ]]
	[ "$(cat "$mem/$(memory_max_file)")" -eq $((32 << 20)) ]
	# with swap accounting, swap is capped too: v2 none, v1 mem+swap = mem
	if [ -e "$mem/$(swap_max_file)" ]; then
		if cgroup_is_v2; then
			[ "$(cat "$mem/memory.swap.max")" = 0 ]
		else
			[ "$(cat "$mem/memory.memsw.limit_in_bytes")" -eq $((32 << 20)) ]
		fi
	fi
	if cgroup_is_v2; then
		[ "$(cat "$cpu/cpu.max")" = "50000 100000" ]
	else
		[ "$(cat "$cpu/cpu.cfs_quota_us")" -eq 50000 ]
		[ "$(cat "$cpu/cpu.cfs_period_us")" -eq 100000 ]
	fi
	[ "$(cat "$pids/pids.max")" -eq 20 ]
	grep -qx "$CONTAINER_PID" "$mem/cgroup.procs"
	grep -qx "$CONTAINER_PID" "$pids/cgroup.procs"
	run ! grep -qx "$RUNTIME_PID" "$mem/cgroup.procs"
	[ "$(cgroup_dir "$RUNTIME_PID" memory)" != "$mem" ]
	kill -KILL "$CONTAINER_PID"
	wait_runtime
	[ "$status" -eq 137 ]
	[ ! -e "$mem" ]
	[ ! -e "$pids" ]
}

# 07: the container is in its cgroup before it runs anything of its own.
# Deterministic, from the order of system calls in each process: the
# runtime writes the child's pid to cgroup.procs before it writes the
# byte that releases the child, and the child reads that byte before it
# unshares its cgroup namespace and execs. (Timing tests, such as a memory
# hog, only notice a late move when they lose a race.)
assert_cgroup_before_exec() { # BIN [ROOTFS]
	requires strace
	local log=$BATS_TEST_TMPDIR/strace runtime child
	# -ff: one file per process, log.PID, so no call is split in two
	run strace -ff -qq -o "$log" -e trace=write,read,unshare,execve,clone,clone3 \
		-e signal=none "$1" "${2:-busybox}" /bin/true
	[ "$status" -eq 0 ]
	runtime=$(grep -l "^execve(\"$1\"" "$log".*)
	# the child: the pid that clone() returned in the runtime, for the
	# one clone() with namespaces (a runtime may fork helpers too)
	child=$(awk '/^clone.*CLONE_NEWPID/ { print $NF; exit }' "$runtime")
	[ -n "$child" ]
	[ -f "$log.$child" ]
	# the runtime: the pid to cgroup.procs (once per tree), then the release
	run awk -v c="\"$child\"" '/^write\(/ && index($0, c) { procs++ }
		/^write\([0-9]+, "x", 1\)/ { print procs + 0; exit }' "$runtime"
	[ "${output:-0}" -ge 1 ]
	# the child: the release byte before all else, then its cgroup
	# namespace, then, later, the exec
	run grep -E '^(read|unshare|execve)\(' "$log.$child"
	[[ ${lines[0]} == 'read('*', "x", 1)'*' = 1' ]]
	[[ ${lines[1]} == 'unshare(CLONE_NEWCGROUP)'*' = 0' ]]
	[[ $(grep -m1 '^execve(' "$log.$child") == 'execve("/bin/true", '* ]]
}

# 07: on a host whose cgroup tree lacks a controller the course uses (as
# cgroup_disable=memory leaves it, or a container without delegation), the
# runtime stops at once with the kernel's ENOENT and a hint, and leaves no
# cgroup and no container. The tree: a cgroup2 leaf under a parent that
# enables no controller, bound over /sys/fs/cgroup in a mount namespace.
assert_missing_controller() { # RUNNER... (up to the image)
	local v2 top left
	v2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
	[ -n "$v2" ]
	top=$v2/nutshell-test-$BATS_SUITE_TEST_NUMBER-$$
	mkdir -p "$top/leaf"
	run unshare -m sh -c 'mount --bind "$0" /sys/fs/cgroup && exec "$@"' \
		"$top/leaf" "$@" busybox /bin/true
	left=$(find "$top/leaf" -mindepth 1 -type d)
	# (word splitting: the paths, deepest last, none with a space)
	# shellcheck disable=SC2046
	rmdir $(print_lines "$left" | sort -r) "$top/leaf" "$top" 2>/dev/null || true
	[ "$status" -eq 125 ]
	# the first write, to the root's own file, is the one that fails
	[[ $output == *"/sys/fs/cgroup/cgroup.subtree_control\`: No such file or directory"* ]]
	[[ $output == *"hint: "*"docs/troubleshooting.md"* ]]
	[ -z "$left" ]
	# (no container's directory: the containers' lock file may be there)
	[ -z "$(find "${NUTSHELL_CONTAINERS:-/nonexistent}" -mindepth 1 -type d 2>/dev/null)" ]
}

# 07: the container sees its own cgroup as "/" (a cgroup namespace made
# after the move).
assert_cgroupns_root() { # RUNNER...
	run "$@" cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -ge 1 ]
	local line
	for line in "${lines[@]}"; do
		[[ $line == *:/ ]]
	done
}

# 07: a runtime killed with SIGKILL takes its container along
# (PR_SET_PDEATHSIG), and the next run removes the cgroup it left.
assert_dies_with_runtime() { # BIN [ROOTFS]
	start_container "$1" "${2:-busybox}" /bin/sleep 30
	local pids _
	pids=$(cgroup_dir "$CONTAINER_PID" pids)
	hold_cgroups "$CONTAINER_PID"
	kill -KILL "$RUNTIME_PID"
	wait_runtime
	for _ in $(seq 50); do
		[ -e "/proc/$CONTAINER_PID" ] || break
		sleep 0.1
	done
	[ ! -e "/proc/$CONTAINER_PID" ]
	[ -d "$pids" ] # nobody was left to remove it
	kill "$KEEPER"
	wait "$KEEPER" || true
	# the next run removes it (or another run on this host did first:
	# gone either way), and a killed 08's lease with it
	run "$1" "${2:-busybox}" /bin/true
	[ "$status" -eq 0 ]
	[ ! -e "$pids" ]
}

# 07: a runtime sweeps the cgroups of runtimes that run no more, judged by
# their pid; from another PID namespace, where pids of the host are not
# seen, it sweeps none: not a live runtime's cgroup, empty as it starts
# (here one named after a sleep of the test's). There a runtime's pid is
# not the host's: its cgroup's name holds its namespace's inode too, and
# two runtimes, each pid 1 of a namespace of its own, run at once.
assert_sweeps_only_what_it_sees() { # RUNNER... (up to the image)
	local tree pid cg left=no unshare first ns second
	sleep 1000 3>&- &
	pid=$!
	if cgroup_is_v2; then tree=/sys/fs/cgroup; else tree=/sys/fs/cgroup/pids; fi
	cg=$tree/nutshell/$pid
	mkdir -p "$cg"
	# the first: unshare's child, the runtime, is pid 1 of its namespace
	start_container unshare --pid --fork --mount-proc "$@" busybox sleep 30
	unshare=$RUNTIME_PID
	RUNTIME_PID=$CONTAINER_PID
	await_container
	first=$(cgroup_dir "$CONTAINER_PID" pids)
	ns=$(stat -L -c %i "/proc/$RUNTIME_PID/ns/pid")
	# the second, pid 1 of another namespace, while the first runs
	run unshare --pid --fork --mount-proc "$@" busybox true
	second=$status
	[ ! -d "$cg" ] || left=yes
	rmdir "$cg" 2>/dev/null || true
	kill "$pid"
	# (the container's init takes SIGKILL from the host's namespace)
	kill -KILL "$CONTAINER_PID"
	RUNTIME_PID=$unshare
	wait_runtime
	[ "$status" -eq 137 ]
	[ "$second" -eq 0 ]
	[ "$left" = yes ]
	[ "${first##*/}" = "ns$ns-1" ]
	[ ! -e "$first" ]
}

# Keep PID's cgroups, in every tree, from the sweep of stale cgroups that
# every run of 07 and later makes (another suite's runs too): a process of
# the test's in them, KEEPER, makes their rmdir fail (EBUSY) until it ends.
hold_cgroups() { # PID
	local path ctrls
	sleep 1000 3>&- &
	KEEPER=$!
	while IFS=: read -r _ ctrls path; do
		[[ $path == */nutshell/* ]] || continue
		if [ -z "$ctrls" ]; then
			echo "$KEEPER" >"/sys/fs/cgroup$path/cgroup.procs"
		else
			echo "$KEEPER" >"/sys/fs/cgroup/$ctrls$path/cgroup.procs"
		fi
	done <"/proc/$1/cgroup"
}

# 06 and 07, a known gap: pivot_root cuts every path to the host's tree,
# but not an open file. A directory descriptor the runtime inherited
# reaches the container, and /proc/self/fd/N leads to the host's files.
assert_inherited_fd_reaches_host() { # RUNNER...
	run bash -c 'exec 7</ && "$@" /bin/cat "/proc/self/fd/7$0/Makefile"' "$REPO" "$@"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$REPO/Makefile")" ]
	# and without the descriptor, the same path does not exist
	run "$@" /bin/cat "/proc/self/fd/7$REPO/Makefile"
	[ "$status" -ne 0 ]
}

# Network tests (08 on). The runtime runs in a network namespace of the
# test's own, its "host" (HOSTNS); where a test needs one, a second
# namespace, "outside" (OUTNS), is wired to it by a veth pair: 192.0.2.1
# on the host's side, 192.0.2.2 outside (TEST-NET-1, RFC 5737: routed
# nowhere). The bridge, the veths, the addresses, the iptables rules and
# ip_forward all live and die in those namespaces, and no packet leaves
# them. The runtime's state goes to the test's own directory
# (NUTSHELL_STATE). NET is the runtime to call, a script that runs bin/STEP
# in the host namespace; it execs all the way, so the runtime keeps the pid
# start_container sees.
# NUTSHELL_STEP=NN-name runs an earlier step's file against a later step's
# program, which does all the earlier one does (tests/10-caps-seccomp.bats
# runs 08's and 09's files so). step_under_test prints the program's name,
# DEFAULT without NUTSHELL_STEP; own_program skips a test of the file's own
# program (its build, its diff, its Try it), which the later step's file
# has its own of; carried skips one that the later step's file carries
# already (the helpers of 02-07).
step_under_test() { # DEFAULT
	echo "${NUTSHELL_STEP:-$1}"
}
own_program() { # DEFAULT
	[ -z "${NUTSHELL_STEP:-}" ] || [ "$NUTSHELL_STEP" = "$1" ] ||
		skip "$1's own program; tests/$NUTSHELL_STEP.bats tests $NUTSHELL_STEP's"
}
carried() {
	[ -z "${NUTSHELL_STEP:-}" ] ||
		skip "tests/$NUTSHELL_STEP.bats carries this property itself"
}

net_setup() { # STEP (08-net: bin/08-net), or the path of a program
	local program=$1
	[[ $program == /* ]] || program=$REPO/bin/$program
	HOSTNS=nutshell-$BATS_SUITE_TEST_NUMBER-$$
	OUTNS=
	ip netns add "$HOSTNS"
	export NUTSHELL_STATE=$BATS_TEST_TMPDIR/state
	NET=$BATS_TEST_TMPDIR/net-${program##*/}
	printf '#!/bin/sh\nexec nsenter --net=/run/netns/%s %s "$@"\n' \
		"$HOSTNS" "$program" >"$NET"
	chmod +x "$NET"
}

# The common teardown, after checking that the containers left nothing in
# the network namespaces, which then go.
net_teardown() {
	local failed=0
	net_leftovers || failed=1
	# whatever failed before: the namespaces go (a run killed before its
	# teardown leaves them to make cleanup, which knows their names)
	[ -z "$OUTNS" ] || ip netns del "$OUTNS" || failed=1
	ip netns del "$HOSTNS" || failed=1
	common_teardown || failed=1
	return "$failed"
}

# Run a command in the test's host namespace: its network only (ip netns
# exec would also give it a mount namespace with a sysfs of the network
# namespace's, where the host's cgroups are out of sight).
in_host() {
	nsenter --net="/run/netns/$HOSTNS" "$@"
}

# The runtime's state for the test's host namespace (NUTSHELL_STATE/net/
# <the namespace's inode>): the bridge's lock, its leases, ip_forward.
net_state() {
	echo "$NUTSHELL_STATE/net/$(stat -L -c %i "/run/netns/$HOSTNS")"
}

# The "outside": a second namespace, 192.0.2.2, behind the host's 192.0.2.1.
make_outside() {
	OUTNS=$HOSTNS-out
	ip netns add "$OUTNS"
	ip -n "$HOSTNS" link add up0 type veth peer name out0 netns "$OUTNS"
	ip -n "$HOSTNS" addr add 192.0.2.1/24 dev up0
	ip -n "$HOSTNS" link set up0 up
	ip -n "$OUTNS" addr add 192.0.2.2/24 dev out0
	ip -n "$OUTNS" link set out0 up
	ip -n "$OUTNS" link set lo up
}

# What finished containers must not leave in the test's host namespace:
# the host's end of a veth (it goes when the container's network namespace
# is freed, a moment after the container ends), a lease, a DNAT rule.
net_leftovers() {
	local leases rules _
	for _ in $(seq 50); do
		in_host ip -o link show | grep -q ' ns[hn][0-9]*@' || break
		sleep 0.1
	done
	if in_host ip -o link show | grep ' ns[hn][0-9]*@' >&2; then
		echo "a container's veth is left" >&2
		return 1
	fi
	leases=$(find "$NUTSHELL_STATE/net" -type f ! -name '*.lock' ! -name ip_forward 2>/dev/null)
	if [ -n "$leases" ]; then
		echo "leases left: $leases" >&2
		return 1
	fi
	rules=$(in_host iptables -t nat -S PREROUTING 2>/dev/null | grep DNAT) || true
	if [ -n "$rules" ]; then
		echo "DNAT rules left: $rules" >&2
		return 1
	fi
}

# A container's command that prints the address of its eth0.
eth0_address() {
	printf '%s\n' 'ip -4 -o addr show eth0 | sed "s/.* inet \([0-9.]*\)\/.*/\1/"'
}

# 08: --network none is lo alone, and up: 127.0.0.1 answers.
assert_network_none() { # BIN
	run "$1" --network none busybox /bin/sh -c 'ip -o link; ping -c1 -W2 127.0.0.1 >/dev/null && echo pong'
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ ${lines[0]} == "1: lo: <LOOPBACK,UP,LOWER_UP>"* ]]
	[ "${lines[1]}" = pong ]
}

# 08: the bridge mode, by default: eth0 has the subnet's first free
# address, the default route goes through the bridge, which answers, and a
# second container reaches the first.
assert_bridge_network() { # BIN
	start_container "$1" busybox /bin/sh -c "$(eth0_address); ip route; exec sleep 30"
	eventually grep -q "^default via 10.219.0.1 dev eth0" "$BATS_TEST_TMPDIR/out"
	[ "$(head -n 1 "$BATS_TEST_TMPDIR/out")" = 10.219.0.2 ]
	run "$1" busybox /bin/sh -c "$(eth0_address); ping -c1 -W2 10.219.0.1 >/dev/null && ping -c1 -W2 10.219.0.2 >/dev/null && echo pong"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '10.219.0.3\npong')" ]
	kill -KILL "$CONTAINER_PID"
	wait_runtime
}

# 08: /etc/hosts, hostname and resolv.conf are the runtime's, bind-mounted;
# the image's own are untouched.
assert_etc_files() { # BIN
	local before
	before=$(tree_state "$IMAGE")
	run "$1" --hostname web1 busybox /bin/sh -c 'cat /etc/hostname; hostname; cat /etc/hosts; cat /etc/resolv.conf; grep -c " /etc/" /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = web1 ]
	[ "${lines[1]}" = web1 ]
	[[ $output == *"127.0.0.1	localhost"* ]]
	[[ $output == *"10.219.0.2	web1"* ]]
	[[ $output == *nameserver* ]]
	[[ $output != *"nameserver 127."* ]]
	[ "${lines[-1]}" = 3 ] # three bind mounts
	[ "$(tree_state "$IMAGE")" = "$before" ]
}

# Run a chapter's Try-it SCRIPT (09 on), as a learner would, in a mount
# namespace of its own, where tmpfs mounts cover /tmp, /run (the state
# directory) and containers/, and images/ holds busybox alone: the scratch
# directories, the containers and the imported images are the test's, and
# vanish with it; then in a network namespace of its own. (A script is an
# argument, not stdin: the containers would read it.)
try_it() { # SCRIPT
	env -u NUTSHELL_STATE -u NUTSHELL_CONTAINERS unshare -m bash -c '
		set -e
		repo=$PWD
		exec 9<"$repo"
		mount -t tmpfs tmpfs /run
		mount -t tmpfs tmpfs /tmp
		# a repository under /tmp or /run (a CI clone) is hidden now:
		# back at its path, from the descriptor (not canonicalized,
		# which would resolve its path again, to the tmpfs)
		if [ ! -d "$repo/images" ]; then
			mkdir -p "$repo"
			mount --no-canonicalize --bind /proc/self/fd/9 "$repo"
		fi
		exec 9<&-
		cd "$repo"
		mkdir -p containers /run/busybox
		mount --bind images/busybox /run/busybox
		mount -t tmpfs tmpfs images
		mkdir images/busybox
		mount --bind /run/busybox images/busybox
		mount -t tmpfs tmpfs containers
		exec unshare -n bash -c "$0"' "$1" </dev/null
}
