#!/usr/bin/env bats
# needs: root
# 04-mount: /proc inside the image, and cleaned up on the host afterwards.
load helpers

setup() {
	requires root
	common_setup
}
teardown() { common_teardown; }

image_mounts() {
	grep images/busybox /proc/self/mountinfo
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
	run grep images/busybox /proc/self/mountinfo
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
	# a terminal's Ctrl-C signals the runtime and the command alike
	kill -INT "$RUNTIME_PID" "$CONTAINER_PID"
	wait_runtime
	[ "$status" -eq 130 ]
	run ! image_mounts
}

@test "without root: one line that says so, and 125" {
	assert_needs_root ./bin/04-mount busybox
}

@test "bad input: usage, a missing image, a rootfs that is not a directory" {
	assert_bad_rootfs_input ./bin/04-mount
}

@test "make diff STEP=04 shows the proc mount" {
	run make diff STEP=04
	[ "$status" -eq 0 ]
	[[ $output == *'+	if (mount("proc", "/proc", "proc"'* ]]
}
