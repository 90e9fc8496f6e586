# Shared by every tests/*.bats file: `load helpers`.
#
# Each test runs from the repository root (so ./bin/NN-name works as in the
# docs), and common_teardown checks that the test left nothing behind: the
# host's mount table is as it was, and no process the test started (a runtime
# from bin/, or anything in a container: another root, PID or mount
# namespace) is still running.

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

# Mount table as "root mountpoint fstype source" lines, sorted: what a leak
# changes, without the ids and options that a remount would change.
mount_table() {
	awk '{ for (i = 7; $i != "-"; i++) ; print $4, $5, $(i + 1), $(i + 2) }' \
		/proc/self/mountinfo | sort
}

# Processes that look like ours: a binary from this repository, or a
# process in another root, PID namespace or mount namespace than ours.
# Kernel threads (no exe) are passed over. One find(1) reads every link.
our_processes() {
	find /proc/[0-9]*/exe /proc/[0-9]*/root /proc/[0-9]*/ns/pid \
		/proc/[0-9]*/ns/mnt -maxdepth 0 -printf '%p %l\n' 2>/dev/null |
		awk -v repo="$REPO/" -v pidns="$HOST_PIDNS" -v mntns="$HOST_MNTNS" '
		{
			split($1, part, "/")
			link = substr($1, length(part[3]) + 8)
			val[part[3], link] = substr($0, length($1) + 2)
			pids[part[3]] = 1
		}
		END {
			for (pid in pids) {
				exe = val[pid, "exe"]
				# kernel threads have no exe; a process that is
				# exiting as we look has lost its root or namespaces
				if (exe == "" || val[pid, "root"] == "" ||
				    val[pid, "ns/pid"] == "" || val[pid, "ns/mnt"] == "")
					continue
				if (index(exe, repo) == 1 || val[pid, "root"] != "/" ||
				    val[pid, "ns/pid"] != pidns ||
				    val[pid, "ns/mnt"] != mntns)
					print pid
			}
		}'
}

# Our cgroups: the containers' directories under the nutshell parent, in
# the v2 tree or any v1 tree.
our_cgroups() {
	find /sys/fs/cgroup/nutshell /sys/fs/cgroup/*/nutshell -mindepth 1 \
		-maxdepth 1 -type d 2>/dev/null | sort
}

common_setup() {
	cd "$REPO" || return 1
	CGROUPS_BEFORE=$(our_cgroups)
	HOST_PIDNS=$(readlink /proc/self/ns/pid)
	HOST_MNTNS=$(readlink /proc/self/ns/mnt)
	MOUNTS_BEFORE=$(mount_table)
	PROCS_BEFORE=" $(our_processes | tr '\n' ' ') "
}

common_teardown() {
	local pid leftover=() after _
	after=$(mount_table)
	if [ "$after" != "$MOUNTS_BEFORE" ]; then
		echo "the test changed the host's mount table:" >&2
		diff <(echo "$MOUNTS_BEFORE") <(echo "$after") >&2 || true
		return 1
	fi
	after=$(our_cgroups)
	if [ "$after" != "$CGROUPS_BEFORE" ]; then
		echo "the test left cgroups behind:" >&2
		diff <(echo "$CGROUPS_BEFORE") <(echo "$after") >&2 || true
		return 1
	fi
	# a container's last processes may still be dying of the SIGKILL its
	# end sent them: look again for up to a second before calling it a leak
	for _ in $(seq 10); do
		leftover=()
		for pid in $(our_processes); do
			[[ $PROCS_BEFORE == *" $pid "* ]] || leftover+=("$pid")
		done
		[ ${#leftover[@]} -gt 0 ] || break
		sleep 0.1
	done
	if [ ${#leftover[@]} -gt 0 ]; then
		for pid in "${leftover[@]}"; do
			echo "left running: $pid $(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline")" >&2
			kill -KILL "$pid" 2>/dev/null || true
		done
		return 1
	fi
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
