#!/usr/bin/env bats
# needs: root
# 03-chroot: the command sees the image as "/", and nothing else changes.
load helpers

setup() {
	requires root
	common_setup
}
teardown() { common_teardown; }

@test "make step-03 builds the program and the image" {
	run make step-03
	[ "$status" -eq 0 ]
	[ -x bin/03-chroot ]
	[ -f images/busybox/etc/nutshell-image ]
}

@test "stdio and exit codes pass through the chroot" {
	assert_stdio_passes ./bin/03-chroot busybox
	assert_exit_codes ./bin/03-chroot busybox
}

@test "the container's / is the image: a host-only file is invisible" {
	local hostfile=$BATS_TEST_TMPDIR/host-only
	touch "$hostfile"
	run ./bin/03-chroot busybox /bin/sh -c "test -e '$hostfile'"
	[ "$status" -eq 1 ]
	run ./bin/03-chroot busybox /bin/sh -c 'ls /; cat /etc/os-release'
	[ "$status" -eq 0 ]
	[[ $output == *nutshell-busybox* ]]
	# the same bytes as the image's marker file on the host
	run ./bin/03-chroot busybox cat /etc/nutshell-image
	[ "$output" = "$(cat images/busybox/etc/nutshell-image)" ]
}

@test "an image name works from any directory; a path stays a path" {
	cd /
	run "$REPO/bin/03-chroot" busybox /bin/true
	[ "$status" -eq 0 ]
	cd "$REPO/images"
	run ../bin/03-chroot ./busybox /bin/true
	[ "$status" -eq 0 ]
}

@test "chroot keeps the host's PID view: the kernel shows the image as its root" {
	start_container ./bin/03-chroot busybox /bin/sleep 30
	[ "$(readlink "/proc/$CONTAINER_PID/root")" = "$IMAGE" ]
	[ "$(readlink "/proc/$CONTAINER_PID/ns/pid")" = "$HOST_PIDNS" ]
	kill "$CONTAINER_PID"
	wait_runtime
	[ "$status" -eq 143 ]
}

@test "without /proc mounted, ps inside shows nothing" {
	run ./bin/03-chroot busybox /bin/ps
	[ "${#lines[@]}" -eq 1 ] # the header line only
}

@test "without root: one line that says so, and 125" {
	assert_needs_root ./bin/03-chroot busybox
}

@test "bad input: usage, a missing image, a rootfs that is not a directory" {
	assert_bad_rootfs_input ./bin/03-chroot
}

@test "make diff STEP=03 shows the chroot" {
	run make diff STEP=03
	[ "$status" -eq 0 ]
	[[ $output == *"+	if (chroot(rootfs) == -1)"* ]]
}
