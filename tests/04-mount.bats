#!/usr/bin/env bats
# needs: root
# 04-mount: /proc inside the image, and cleaned up on the host afterwards.
load helpers

setup() {
	requires root
	common_setup
}
teardown() { common_teardown; }

# the mounts under this clone's image (another clone's are not ours)
image_mounts() {
	grep -F " $IMAGE/" /proc/self/mountinfo
}

@test "make step-04 builds the program" {
	run make step-04
	[ "$status" -eq 0 ]
	[ -x bin/04-mount ]
}

@test "stdio and exit codes pass through" {
	assert_stdio_passes ./bin/04-mount busybox
	assert_exit_codes ./bin/04-mount busybox
}

@test "ps inside lists the host's processes: there is no PID namespace yet" {
	run ./bin/04-mount busybox /bin/ps
	[ "$status" -eq 0 ]
	# our own bats process, a host process, is in the container's ps
	[[ $output =~ (^|$'\n')\ *$$\  ]]
}

@test "while it runs, proc is mounted on the host at ROOTFS/proc" {
	start_container ./bin/04-mount busybox /bin/sleep 30
	run image_mounts
	[ "$status" -eq 0 ]
	[[ $output == *" $IMAGE/proc "*" - proc "* ]]
	kill "$CONTAINER_PID"
	wait_runtime
}

@test "after exit nothing stays mounted under the image" {
	run ./bin/04-mount busybox /bin/true
	[ "$status" -eq 0 ]
	run grep -F " $IMAGE/" /proc/self/mountinfo
	[ "$status" -eq 1 ]
}

@test "nothing stays mounted when the command is killed or fails" {
	run ./bin/04-mount busybox /bin/sh -c 'kill -9 $$'
	[ "$status" -eq 137 ]
	run ! image_mounts
	run -127 ./bin/04-mount busybox no-such-command
	run ! image_mounts
}

@test "Ctrl-C reaches the command, and the runtime survives to clean up" {
	# bash starts background jobs with SIGINT ignored; undo that first
	start_container env --default-signal=INT ./bin/04-mount busybox /bin/sleep 30
	wait_ignores_sigint "$RUNTIME_PID"
	# a terminal's Ctrl-C signals the runtime and the command alike
	kill -INT "$RUNTIME_PID" "$CONTAINER_PID"
	wait_runtime
	[ "$status" -eq 130 ]
	run ! image_mounts
}

@test "kill of the runtime: SIGTERM and SIGHUP reach the command, /proc is unmounted" {
	local sig
	for sig in TERM HUP; do
		start_container ./bin/04-mount busybox sleep 30
		wait_catches "$RUNTIME_PID" "$(kill -l "$sig")"
		kill "-$sig" "$RUNTIME_PID"
		wait_runtime
		[ "$status" -eq $((128 + $(kill -l "$sig"))) ]
		run ! grep -F " $IMAGE/proc " /proc/self/mountinfo
	done
}

@test "without root: one line that says so, and 125" {
	assert_needs_root ./bin/04-mount busybox
}

@test "bad input: usage, a missing image, not a directory, a directory named without a slash" {
	assert_bad_rootfs_input ./bin/04-mount
}

@test "make diff STEP=04 shows the proc mount" {
	run make diff STEP=04
	[ "$status" -eq 0 ]
	[[ $output == *'+	if (mount("proc", "/proc", "proc"'* ]]
}

# Tests behind docs/04-mount.md.

# A writable copy of the image, by its real path (the path the kernel shows
# in mountinfo and /proc/PID/root).
image_copy() {
	copy_image "$BATS_TEST_TMPDIR/img"
	realpath "$BATS_TEST_TMPDIR/img"
}

@test "in 03-chroot, ps finds no process: the image's /proc is empty" {
	run ./bin/03-chroot busybox ps
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ] # the header alone
	run ./bin/03-chroot busybox ls -a /proc
	[ "$status" -eq 0 ]
	[ "$output" = $'.\n..' ]
}

@test "inside, the shell has a host PID, the host's hostname, and sees kthreadd" {
	run ./bin/04-mount busybox /bin/sh -c 'echo $$; hostname; ps -o pid,comm | grep kthreadd'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" -gt 1 ]
	[ "${lines[1]}" = "$(hostname)" ]
	# the kernel's thread parent is PID 2 on the host
	[[ ${lines[2]} =~ ^\ +2\ kthreadd$ ]]
}

@test "root inside can signal a host process: kill -0 reaches the test's shell" {
	run ./bin/04-mount busybox kill -0 $$
	[ "$status" -eq 0 ]
}

@test "the host's mountinfo shows the container's proc while it runs, not after" {
	start_container ./bin/04-mount busybox sleep 30
	run grep -F " $IMAGE/" /proc/self/mountinfo
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == *" / $IMAGE/proc rw,nosuid,nodev,noexec"*" - proc proc rw"* ]]
	kill -TERM "$CONTAINER_PID"
	wait_runtime
	[ "$status" -eq 143 ]
	run grep -F " $IMAGE/" /proc/self/mountinfo
	[ "$status" -eq 1 ]
}

@test "a process left behind runs on, and /proc is detached from under it" {
	local img pid
	img=$(image_copy)
	# busybox sh opens /dev/null for a background job; the image has no /dev
	mknod "$img/dev/null" c 1 3
	run ./bin/04-mount "$img" /bin/sh -c 'cd /proc; sleep 30 >&- 2>&- & echo $!'
	[ "$status" -eq 0 ]
	pid=$output
	# the sleep still runs, in the image, with its working directory in
	# the proc mount; umount2(MNT_DETACH) removed that mount all the same
	[ "$(readlink "/proc/$pid/root")" = "$img" ]
	run grep -F " $img/" /proc/self/mountinfo
	[ "$status" -eq 1 ]
	kill -KILL "$pid"
	for _ in $(seq 100); do
		readlink "/proc/$pid/exe" >/dev/null 2>&1 || break
		sleep 0.05
	done
}

@test "the child fails before it mounts: one error line, and 125" {
	local img
	img=$(image_copy)
	rmdir "$img/proc"
	touch "$img/proc" # a file: mount(2) fails, umount2(2) finds no mount
	run ./bin/04-mount "$img" true
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == *"mount \`proc\` on \`/proc\`: "* ]]
	rm "$img/proc" # no /proc at all: umount2(2) fails with ENOENT, quietly
	run ./bin/04-mount "$img" true
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == *"mount \`proc\` on \`/proc\`: "* ]]
	run ./bin/05-allns "$img" true
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == *"mount \`proc\` on \`/proc\`: "* ]]
}

@test "root without CAP_SYS_ADMIN cannot mount proc: 125" {
	run setpriv --bounding-set -sys_admin ./bin/04-mount busybox true
	[ "$status" -eq 125 ]
	[[ ${lines[0]} == *"mount \`proc\` on \`/proc\`: "* ]]
}

# The properties this step brings and those it carries from earlier
# steps: one shared helper each (helpers.bash), run against this step,
# so that a bug in this step's copy of a lesson fails here
# (tests/mutants.bats shows that each helper catches one).

@test "property of 04: an image's /proc that is a symlink unmounts nothing of the host's" {
	assert_proc_symlink_unmounts_nothing ./bin/04-mount
}

@test "carried from 02: a script without \"#!\" and 150000 arguments runs: the stack fits them" {
	copy_image "$BATS_TEST_TMPDIR/rootfs"
	assert_big_argv ./bin/04-mount "$BATS_TEST_TMPDIR/rootfs"
}

@test "carried from 03: \"/\" and the working directory are the image" {
	assert_root_is_image ./bin/04-mount busybox
}

@test "property of 04: /proc is a proc mount, nosuid, nodev, noexec" {
	assert_proc_mounted ./bin/04-mount busybox
}

@test "property of 04: SIGTERM and SIGHUP are passed on; the runtime exits as the command did" {
	assert_forwards_signals ./bin/04-mount busybox
}
