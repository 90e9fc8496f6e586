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
# shellcheck disable=SC2154,SC2034
bats_require_minimum_version 1.5.0

REPO=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
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

# A killed runtime's cgroup stays behind, but any 07 runtime that starts on
# the host sweeps it away: when another test suite's run was quicker than
# this test, skip rather than fail.
assume_stale_cgroup() { # DIR
	[ -d "$1" ] || skip "another run on this host removed the stale cgroup first"
}

# The cgroups of this test's containers that are still there: new since
# common_setup, and named after a runtime that carries the mark or runs no
# more (killed, or one that forgot to remove it). Another user's running
# container is not ours.
test_cgroups() {
	local cg
	comm -13 <(print_lines "$CGROUPS_BEFORE") <(nutshell_cgroups) | while read -r cg; do
		if ! running "${cg##*/}" || is_marked "${cg##*/}"; then
			echo "$cg"
		fi
	done
}

# Has PID ended (a zombie counts as ended)?
gone() { # PID
	! running "$1"
}

# Run CMD... until it succeeds, for up to 5 s.
eventually() { # CMD...
	local _
	for _ in $(seq 100); do
		"$@" && return 0
		sleep 0.05
	done
	"$@"
}

# SIGKILL the processes and wait, up to 5 s each, until they are gone.
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

common_setup() {
	cd "$REPO" || return 1
	HOST_PIDNS=$(readlink /proc/self/ns/pid)
	CGROUPS_BEFORE=$(nutshell_cgroups)
	MOUNTS_BEFORE=$(mount_table)
	export NUTSHELL_TEST_MARK=$BASHPID.${BATS_SUITE_TEST_NUMBER:-0}.$SRANDOM
}

common_teardown() {
	local procs cgroups after cg pid target _
	# the test was skipped before common_setup: nothing to look for
	[ -n "${NUTSHELL_TEST_MARK:-}" ] || return 0
	# what the teardown itself runs is not the test's
	export -n NUTSHELL_TEST_MARK
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
	[ -n "$procs$cgroups" ] || [ "$after" != "$MOUNTS_BEFORE" ] || return 0

	# Say what was left, then undo it: processes first (they may hold the
	# cgroups and mounts), then the cgroups, then the mounts, deepest first.
	for pid in $procs; do
		echo "left running: $pid $(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" >&2
	done
	for cg in $cgroups; do
		echo "left behind: cgroup $cg" >&2
	done
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
assert_needs_root() { # RUNNER...
	run setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@" true
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
}

# Start RUNNER... CMD in the background; its stdout goes to $BATS_TEST_TMPDIR/out.
# Sets RUNTIME_PID and CONTAINER_PID (the runtime's child, as the host sees it).
start_container() {
	"$@" >"$BATS_TEST_TMPDIR/out" 2>&1 &
	RUNTIME_PID=$!
	CONTAINER_PID=
	local _
	for _ in $(seq 100); do
		CONTAINER_PID=$(cat "/proc/$RUNTIME_PID/task/$RUNTIME_PID/children" 2>/dev/null) || true
		CONTAINER_PID=${CONTAINER_PID%% *}
		# wait until the child has exec'd the command (it is no longer us)
		if [ -n "$CONTAINER_PID" ] &&
			[ "$(readlink "/proc/$CONTAINER_PID/exe")" != "$(readlink "/proc/$RUNTIME_PID/exe")" ]; then
			return 0
		fi
		sleep 0.05
	done
	echo "start_container: no command running under $RUNTIME_PID" >&2
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
