#!/usr/bin/env bats
# needs: root
# 05-allns: UTS, PID, mount, network and IPC namespaces.
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

@test "hostname NEW inside leaves the host's hostname alone" {
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
	run ./bin/05-allns busybox /bin/sh <<<'ps'
	[ "$status" -eq 0 ]
	[[ ${lines[1]} =~ ^\ +1\ root\ +/bin/sh$ ]]
	[ "${#lines[@]}" -eq 3 ] # header, the shell, ps
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

@test "without root: one line that says so, and 125" {
	assert_needs_root ./bin/05-allns busybox
}

@test "bad input: usage, a missing image, a rootfs that is not a directory" {
	assert_bad_rootfs_input ./bin/05-allns
}

@test "make diff STEP=05 shows the namespace flags" {
	run make diff STEP=05
	[ "$status" -eq 0 ]
	[[ $output == *"CLONE_NEWPID"* ]]
	[[ $output == *"+	if (sethostname(hostname, strlen(hostname)) == -1)"* ]]
}
