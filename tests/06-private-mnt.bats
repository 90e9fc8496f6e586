#!/usr/bin/env bats
# needs: root
# 06-private-mnt: private mounts, pivot_root, and a standard /dev, /proc, /sys.
# shellcheck disable=SC2016 # single-quoted $ is for the container's shell
load helpers

setup() {
	requires root
	common_setup
}
teardown() { common_teardown; }

@test "make step-06 builds the program" {
	run make step-06
	[ "$status" -eq 0 ]
	[ -x bin/06-private-mnt ]
}

@test "stdio and exit codes pass through" {
	assert_stdio_passes ./bin/06-private-mnt busybox
	assert_exit_codes ./bin/06-private-mnt busybox
}

@test "the command is PID 1 with its own hostname, as in 05" {
	run ./bin/06-private-mnt busybox /bin/sh -c 'echo $$; hostname'
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" != "$(hostname)" ]
}

@test "shared /: a mount made inside 05 leaks to the host, inside 06 it does not" {
	run unshare -m bash -c 'mount --make-rshared / && ./bin/05-allns busybox /bin/sh -c "mount -t tmpfs leak /mnt" && grep images/busybox/mnt /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	run unshare -m bash -c 'mount --make-rshared / && ./bin/06-private-mnt busybox /bin/sh -c "mount -t tmpfs leak /mnt" && grep images/busybox /proc/self/mountinfo'
	[ "$status" -eq 1 ] # no mount at all under the image: not /mnt, not /proc
}

@test "a chroot escape gets out of 03-chroot and not out of 06" {
	build_test_program chroot-escape -static
	local rootfs=$BATS_TEST_TMPDIR/rootfs hostfile=$BATS_TEST_TMPDIR/host-only
	copy_image "$rootfs"
	cp "$BATS_FILE_TMPDIR/chroot-escape" "$rootfs/bin/"
	touch "$hostfile"
	run ./bin/03-chroot "$rootfs" /bin/chroot-escape "$hostfile"
	[ "$status" -eq 0 ]
	[ "$output" = escaped ]
	run ./bin/06-private-mnt "$rootfs" /bin/chroot-escape "$hostfile"
	[ "$status" -eq 1 ]
	[ "$output" = contained ]
}

@test "mountinfo inside lists only the container's own mounts" {
	run ./bin/06-private-mnt busybox /bin/sh -c 'cat /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	# field 5 is the mount point, as the container sees it
	[ "$(awk '{ print $5 }' <<<"$output" | sort | tr '\n' ' ')" = \
		"/ /dev /dev/pts /dev/shm /proc /sys " ]
	# no mount point is a host path
	[[ $(awk '{ print $5 }' <<<"$output") != *"$REPO"* ]]
}

@test "/ is the image" {
	local hostfile=$BATS_TEST_TMPDIR/host-only
	touch "$hostfile"
	run ./bin/06-private-mnt busybox /bin/sh -c "cat /etc/nutshell-image; test -e '$hostfile'"
	[ "$status" -eq 1 ]
	[ "$output" = "$(cat images/busybox/etc/nutshell-image)" ]
}

@test "/dev/null is a character device that swallows writes" {
	run ./bin/06-private-mnt busybox /bin/sh -c 'stat -c "%F %t:%T %a" /dev/null; echo lost >/dev/null; wc -c </dev/null'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "character special file 1:3 666" ]
	[ "${lines[1]}" -eq 0 ]
}

@test "/dev has the standard nodes, links, its own pts and shm" {
	run ./bin/06-private-mnt busybox /bin/sh -c 'for d in null zero full random urandom tty; do test -c /dev/$d || echo "missing $d"; done; for l in fd stdin ptmx; do readlink /dev/$l; done; head -c 4 /dev/zero | wc -c; test -c /dev/pts/ptmx && echo pts; echo hi >/dev/shm/x && cat /dev/shm/x'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '/proc/self/fd\n/proc/self/fd/0\npts/ptmx\n4\npts\nhi')" ]
}

@test "/sys is mounted read-only" {
	run ./bin/06-private-mnt busybox /bin/sh -c 'grep " /sys " /proc/self/mountinfo; touch /sys/x'
	[ "$status" -ne 0 ]
	[[ ${lines[0]} == *" /sys ro,"* ]]
	[[ $output == *"Read-only file system"* ]]
	# and it shows the container's network devices: lo only
	run ./bin/06-private-mnt busybox ls /sys/class/net
	[ "$output" = lo ]
}

@test "the host's mount table is the same during the run" {
	start_container ./bin/06-private-mnt busybox /bin/sleep 30
	[ "$(mount_table)" = "$MOUNTS_BEFORE" ]
	kill -KILL "$CONTAINER_PID"
	wait_runtime
	[ "$status" -eq 137 ]
}

@test "running true leaves the image exactly as it was" {
	local before
	before=$(tree_state "$IMAGE")
	run ./bin/06-private-mnt busybox /bin/true
	[ "$status" -eq 0 ]
	[ "$(tree_state "$IMAGE")" = "$before" ]
}

@test "no copy-on-write yet: a write inside lands in the rootfs" {
	local rootfs=$BATS_TEST_TMPDIR/rootfs
	copy_image "$rootfs"
	run ./bin/06-private-mnt "$rootfs" /bin/sh -c 'echo written >/root/note'
	[ "$status" -eq 0 ]
	[ "$(cat "$rootfs/root/note")" = written ]
}

@test "a rootfs without /proc is refused, not modified" {
	local rootfs=$BATS_TEST_TMPDIR/rootfs before
	copy_image "$rootfs"
	rmdir "$rootfs/proc"
	before=$(tree_state "$rootfs")
	run ./bin/06-private-mnt "$rootfs" /bin/true
	[ "$status" -eq 125 ]
	[[ $output == *"\`/proc\`"* ]]
	[ "$(tree_state "$rootfs")" = "$before" ]
}

@test "without root: one line that says so, and 125" {
	assert_needs_root ./bin/06-private-mnt busybox
}

@test "bad input: usage, a missing image, a rootfs that is not a directory" {
	assert_bad_rootfs_input ./bin/06-private-mnt
}

@test "make diff STEP=06 shows the private remount and pivot_root" {
	run make diff STEP=06
	[ "$status" -eq 0 ]
	[[ $output == *"+	if (mount(NULL, \"/\", NULL, MS_REC | MS_PRIVATE, NULL) == -1)"* ]]
	[[ $output == *"-	if (chroot(rootfs) == -1)"* ]]
}
