#!/usr/bin/env bats
# needs: root
# 05-allns: UTS, PID, mount, network and IPC namespaces.
# shellcheck disable=SC2016 # single-quoted $ is for the inner shell
load helpers

setup() {
	requires root
	common_setup
}
teardown() {
	if [ -n "${MSQID:-}" ]; then
		ipcrm -q "$MSQID"
	fi
	common_teardown
}

@test "make step-05 builds the program" {
	run make step-05
	[ "$status" -eq 0 ]
	[ -x bin/05-allns ]
}

@test "stdio and exit codes pass through" {
	assert_stdio_passes ./bin/05-allns busybox
	assert_exit_codes ./bin/05-allns busybox
}

@test "the command is PID 1 and has a hostname that is not the host's" {
	run ./bin/05-allns busybox /bin/sh -c 'echo $$; hostname'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1 ]
	[ -n "${lines[1]}" ]
	[ "${lines[1]}" != "$(hostname)" ]
}

@test "the kernel puts the command in new namespaces of every kind asked for" {
	start_container ./bin/05-allns busybox /bin/sleep 30
	local ns
	for ns in uts pid mnt net ipc; do
		[ "$(readlink "/proc/$CONTAINER_PID/ns/$ns")" != "$(readlink "/proc/self/ns/$ns")" ]
	done
	# not asked for yet: the cgroup namespace is still the host's
	[ "$(readlink "/proc/$CONTAINER_PID/ns/cgroup")" = "$(readlink /proc/self/ns/cgroup)" ]
	kill -KILL "$CONTAINER_PID"
	wait_runtime
	[ "$status" -eq 137 ]
}

@test "Try it: hostname NEW inside leaves the host's hostname alone" {
	local before
	before=$(hostname)
	run ./bin/05-allns busybox /bin/sh -c 'hostname demo; hostname'
	[ "$status" -eq 0 ]
	[ "$output" = demo ]
	[ "$(hostname)" = "$before" ]
}

@test "a System V message queue made on the host is invisible inside" {
	MSQID=$(ipcmk -Q | grep -o '[0-9]*$')
	# the host sees it: the msqid column of /proc/sysvipc/msg
	awk -v id="$MSQID" 'NR > 1 && $2 == id { found = 1 } END { exit !found }' /proc/sysvipc/msg
	run ./bin/05-allns busybox cat /proc/sysvipc/msg
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ] # the header only
}

@test "only lo exists inside, and it is down" {
	run ./bin/05-allns busybox /bin/sh -c 'ps; cat /proc/net/dev'
	[ "$status" -eq 0 ]
	[[ ${lines[-1]} == *lo:* ]]
	[[ ${lines[-3]} == Inter-* ]] # two header lines, then lo alone
	# lo's flags: LOOPBACK, without UP
	run ./bin/05-allns busybox ip -o link show
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == "1: lo: <LOOPBACK> "* ]]
}

@test "the container can't see host processes" {
	run ./bin/05-allns busybox /bin/sh -c "test -d /proc/$$"
	[ "$status" -eq 1 ]
	run ./bin/05-allns busybox /bin/sh -c 'ls -d /proc/[0-9]*'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = /proc/1 ]
	[ "${#lines[@]}" -le 2 ]
}

@test "an interactive shell's ps shows only the container" {
	requires script
	# script(1) gives the shell a terminal, as a learner's would be
	# shellcheck disable=SC2016 # expanded by the container's shell
	run script -qec './bin/05-allns busybox /bin/sh' /dev/null <<<'echo "flags=$-"; ps -o pid,comm'
	[ "$status" -eq 0 ]
	[[ $output == *flags=*i* ]] # the shell is interactive
	run awk '$1 ~ /^[0-9]+$/ { print $1, $2 }' <<<"${output//$'\r'/}"
	[ "$output" = "$(printf '1 sh\n2 ps')" ]
}

@test "PID 1 ignores signals it has no handler for, even from itself" {
	run ./bin/05-allns busybox /bin/sh -c 'kill -TERM $$; echo survived'
	[ "$status" -eq 0 ]
	[ "$output" = survived ]
}

@test "known gap: on a host with shared /, a mount made inside leaks out" {
	# unshare -m gives this test a throwaway copy of the mount table; making
	# its / shared simulates a systemd host without touching the real one.
	run unshare -m bash -c 'mount --make-rshared / && ./bin/05-allns busybox /bin/sh -c "mount -t tmpfs leak /mnt" && grep images/busybox/mnt /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ $output == *" $IMAGE/mnt "*" - tmpfs leak "* ]]
}

@test "on a host with private /, the same mount stays inside" {
	run unshare -m --propagation private bash -c './bin/05-allns busybox /bin/sh -c "mount -t tmpfs leak /mnt" && grep images/busybox/mnt /proc/self/mountinfo'
	[ "$status" -eq 1 ]
}

@test "carried from 04: an image's /proc that is a symlink unmounts nothing of the host's" {
	assert_proc_symlink_unmounts_nothing ./bin/05-allns
}

@test "without root: one line that says so, and 125" {
	assert_needs_root ./bin/05-allns busybox
}

@test "bad input: usage, a missing image, not a directory, a directory named without a slash" {
	assert_bad_rootfs_input ./bin/05-allns
}

@test "make diff STEP=05 shows the namespace flags" {
	run make diff STEP=05
	[ "$status" -eq 0 ]
	[[ $output == *"CLONE_NEWPID"* ]]
	[[ $output == *"+	if (sethostname(hostname, strlen(hostname)) == -1)"* ]]
}

# Tests behind docs/05-allns.md.

@test "try it: PID 1, hostname nutshell, and ps lists the container alone" {
	run ./bin/05-allns busybox /bin/sh -c 'echo $$; hostname; ps'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" = nutshell ]
	[ "${#lines[@]}" -eq 4 ] # and ps: its header, then PID 1 alone
	[[ ${lines[3]} =~ ^\ +1\ root\  ]]
}

@test "the ns links differ from the host's for ipc mnt net pid uts, not cgroup" {
	local ns=(cgroup ipc mnt net pid uts) host i
	run bash -c 'for ns in cgroup ipc mnt net pid uts; do readlink /proc/self/ns/$ns; done'
	host=("${lines[@]}")
	# shellcheck disable=SC2016 # $ns is expanded by the container's shell
	run ./bin/05-allns busybox /bin/sh -c 'for ns in cgroup ipc mnt net pid uts; do readlink /proc/self/ns/$ns; done'
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 6 ]
	[ "${lines[0]}" = "${host[0]}" ]
	for i in 1 2 3 4 5; do
		[[ ${lines[i]} == "${ns[i]}:["*"]" ]]
		[ "${lines[i]}" != "${host[i]}" ]
	done
}

@test "ip link inside lists lo alone, down" {
	run ./bin/05-allns busybox ip link
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	# flags LOOPBACK alone: not UP
	[[ ${lines[0]} == "1: lo: <LOOPBACK> "* ]]
	[[ ${lines[1]} == *link/loopback* ]]
}

@test "04-mount, without a network namespace, lists the host's interfaces" {
	local dev
	run ./bin/04-mount busybox ip link
	[ "$status" -eq 0 ]
	for dev in /sys/class/net/*; do
		[[ $output == *" ${dev##*/}: "* || $output == *" ${dev##*/}@"* ]]
	done
}

@test "04-mount, without an IPC namespace, sees the host's message queue" {
	MSQID=$(ipcmk -Q | grep -o '[0-9]*$')
	run ./bin/04-mount busybox cat /proc/sysvipc/msg
	[ "$status" -eq 0 ]
	printf '%s\n' "${lines[@]:1}" |
		awk -v id="$MSQID" '$2 == id { found = 1 } END { exit !found }'
	run ./bin/05-allns busybox cat /proc/sysvipc/msg
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
}

@test "04's shell dies of its own SIGTERM; 05's PID 1 survives even SIGKILL" {
	run ./bin/04-mount busybox /bin/sh -c 'kill -TERM $$; echo survived'
	[ "$status" -eq 143 ]
	[ -z "$output" ]
	run ./bin/05-allns busybox /bin/sh -c 'kill -KILL $$; echo survived'
	[ "$status" -eq 0 ]
	[ "$output" = survived ]
}

@test "04 can signal a host process, 05 cannot even see it" {
	run ./bin/04-mount busybox kill -0 $$
	[ "$status" -eq 0 ]
	run ./bin/05-allns busybox kill -0 $$
	[ "$status" -ne 0 ]
}

@test "Ctrl-C and SIGTERM from the host don't stop PID 1; SIGKILL does" {
	# bash starts background jobs with SIGINT ignored; undo that first
	start_container env --default-signal=INT ./bin/05-allns busybox sleep 30
	wait_ignores_sigint "$RUNTIME_PID" # like system(3)
	run ! ignores "$CONTAINER_PID" 2 # sleep itself does not
	# a terminal's Ctrl-C signals the runtime and the command alike
	kill -INT "$RUNTIME_PID" "$CONTAINER_PID"
	kill -TERM "$CONTAINER_PID"
	# had either been delivered, sleep would be dying of it already, and
	# the status would be 130 or 143
	kill -KILL "$CONTAINER_PID"
	wait_runtime
	[ "$status" -eq 137 ]
}

@test "kill of the runtime: SIGTERM is passed on, and PID 1 without a handler ignores it" {
	start_container ./bin/05-allns busybox sleep 30
	wait_catches "$RUNTIME_PID" 15
	kill -TERM "$RUNTIME_PID"
	# passed on to sleep, PID 1, which has no handler: both run on
	sleep 0.5
	running "$RUNTIME_PID"
	running "$CONTAINER_PID"
	[ "$(awk '$1 == "SigPnd:" || $1 == "ShdPnd:" { print $2 }' "/proc/$CONTAINER_PID/status" | sort -u)" = 0000000000000000 ]
	# the way out the chapter gives: SIGKILL to the runtime's child
	pkill -KILL -P "$RUNTIME_PID"
	wait_runtime
	[ "$status" -eq 137 ]
}

@test "busybox sh cannot start a background job: the image has no /dev/null" {
	run ./bin/05-allns busybox /bin/sh -c 'sleep 1 & wait'
	[[ $output == *"/dev/null"* ]]
	[ ! -e images/busybox/dev/null ]
}

@test "when PID 1 exits, the kernel kills the rest of its namespace" {
	local img
	copy_image "$BATS_TEST_TMPDIR/img"
	img=$(realpath "$BATS_TEST_TMPDIR/img")
	# busybox sh opens /dev/null for a background job; the image has no /dev
	mknod "$img/dev/null" c 1 3
	run ./bin/05-allns "$img" /bin/sh -c 'sleep 30 & echo $!'
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
	# no process is left with its root in the image
	run bash -c 'for p in /proc/[0-9]*; do [ "$(readlink "$p/root")" = "$1" ] && echo "$p"; done; true' _ "$img"
	[ -z "$output" ]
}

@test "a new PID namespace shows the old view until a new /proc is mounted" {
	run unshare --pid --fork sh -c 'echo $$; readlink /proc/self'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" -gt 2 ] # readlink's PID on the host
	run unshare --pid --fork --mount-proc sh -c 'echo $$; readlink /proc/self'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" = 2 ]
	# the caller of unshare(2) stays where it was: only its children move
	run unshare --pid sh -c 'echo $$'
	[ "$status" -eq 0 ]
	[ "$output" -gt 1 ]
}

@test "on a host with shared /, the container's proc shows up on the host while it runs" {
	# The outer unshare detaches a throwaway mount namespace from the
	# host's peer groups; the inner one makes / shared in a copy of it, as
	# systemd does on a real host. RUNTIME_PID: unshare, unshare, 05-allns.
	start_container unshare -m --propagation private unshare -m --propagation shared ./bin/05-allns busybox sleep 30
	run grep -F " $IMAGE/" "/proc/$RUNTIME_PID/mountinfo"
	[ "$status" -eq 0 ]
	[[ $output == *" $IMAGE/proc "*" shared:"*" - proc proc "* ]]
	kill -KILL "$CONTAINER_PID"
	wait_runtime
	[ "$status" -eq 137 ]
	# and the parent removes it after the command ends
	run unshare -m bash -c 'mount --make-rshared / && ./bin/05-allns busybox true && grep -c "$PWD/images/busybox/" /proc/self/mountinfo'
	[ "$status" -eq 1 ]
	[ "$output" = 0 ]
}

@test "root without CAP_SYS_ADMIN cannot create namespaces: clone fails, 125" {
	run setpriv --bounding-set -sys_admin ./bin/05-allns busybox true
	[ "$status" -eq 125 ]
	[[ $output == *"clone: "* ]]
	[[ $output == *"hint: "*"docs/troubleshooting.md"* ]]
}

# The properties this step brings and those it carries from earlier
# steps: one shared helper each (helpers.bash), run against this step,
# so that a bug in this step's copy of a lesson fails here
# (tests/mutants.bats shows that each helper catches one).

@test "carried from 02: a script without \"#!\" and 150000 arguments runs: the stack fits them" {
	copy_image "$BATS_TEST_TMPDIR/rootfs"
	assert_big_argv ./bin/05-allns "$BATS_TEST_TMPDIR/rootfs"
}

@test "carried from 03: \"/\" and the working directory are the image" {
	assert_root_is_image ./bin/05-allns busybox
}

@test "carried from 04: /proc is a proc mount, nosuid, nodev, noexec" {
	assert_proc_mounted ./bin/05-allns busybox
}

@test "carried from 04: SIGTERM and SIGHUP are passed on; the runtime exits as the command did" {
	assert_forwards_signals ./bin/05-allns busybox
}

@test "property of 05: its own IPC, mount, network, PID and UTS namespaces" {
	assert_own_namespaces "ipc mnt net pid uts" ./bin/05-allns busybox
}

@test "property of 05: PID 1, and a hostname of its own" {
	assert_pid1_and_hostname ./bin/05-allns busybox
}
