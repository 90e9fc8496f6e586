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
	# readable by every user (rootless 10 runs it), so it holds nothing
	# another user could use on the host: no set-id file, no device node
	[ -z "$(find images/busybox \( -perm /6000 -o -type b -o -type c \) -print)" ]
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

@test "bad input: usage, a missing image, not a directory, a directory named without a slash" {
	assert_bad_rootfs_input ./bin/03-chroot
}

@test "make diff STEP=03 shows the chroot" {
	run make diff STEP=03
	[ "$status" -eq 0 ]
	[[ $output == *"+	if (chroot(rootfs) == -1)"* ]]
}

@test "ldd: a host program needs a loader and libraries; the image's busybox none" {
	run ldd /bin/ls
	[ "$status" -eq 0 ]
	[[ $output == *"libc.so."* ]]
	[[ $output =~ /ld-linux[^[:space:]]*\.so\.[0-9] ]]
	run ldd images/busybox/bin/busybox
	[ "$status" -ne 0 ]
	[[ $output == *"not a dynamic executable"* ]]
}

@test "a dynamic program without its loader in the root: ENOENT, 127" {
	export TMPDIR=$BATS_TEST_TMPDIR
	root=$(mktemp -d)
	mkdir "$root/bin" && cp /bin/ls "$root/bin/"
	run -127 ./bin/03-chroot "$root" /bin/ls
	[ "$status" -eq 127 ]
	[[ $output == *"exec \`/bin/ls\`: No such file or directory"* ]]
	[[ $output == *"hint: "*"docs/troubleshooting.md"* ]]
	# the file is there: what is missing is its ELF interpreter
	[ -x "$root/bin/ls" ]
	rm -rf "$root"
}

@test "chroot changes no namespace: hostname, network, PID, mounts are the host's" {
	run ./bin/03-chroot busybox /bin/hostname
	[ "$status" -eq 0 ]
	[ "$output" = "$(uname -n)" ]
	start_container ./bin/03-chroot busybox /bin/sleep 30
	local ns
	for ns in uts net pid mnt ipc; do
		[ "$(readlink "/proc/$CONTAINER_PID/ns/$ns")" = "$(readlink "/proc/self/ns/$ns")" ]
	done
	kill "$CONTAINER_PID"
	wait_runtime
	[ "$status" -eq 143 ]
}

@test "ip link inside lists the host's interfaces" {
	local before after inside
	before=$(ls /sys/class/net)
	run ./bin/03-chroot busybox /sbin/ip link
	[ "$status" -eq 0 ]
	inside=$(awk -F': ' '/^[0-9]+: / { sub(/@.*/, "", $2); print $2 }' <<<"$output" | sort)
	after=$(ls /sys/class/net)
	[ "$inside" = "$before" ] || [ "$inside" = "$after" ]
}

@test "the shell inside has a host PID, not 1" {
	run ./bin/03-chroot busybox /bin/sh -c 'echo $$'
	[ "$status" -eq 0 ]
	[[ $output =~ ^[0-9]+$ ]]
	[ "$output" -gt 1 ]
}

@test "without chdir(\"/\") the working directory stays on the host" {
	sed '/if (chdir("\/") == -1)/,+1d' steps/03-chroot.c >"$BATS_TEST_TMPDIR/nochdir.c"
	run grep -c 'chdir("/")' "$BATS_TEST_TMPDIR/nochdir.c"
	[ "$output" = 0 ]
	cc -std=gnu11 -O2 -iquote "$REPO/steps" -o "$BATS_TEST_TMPDIR/nochdir" \
		"$BATS_TEST_TMPDIR/nochdir.c" common/*.c
	# run from the repository root: Makefile is a host file, not the image's
	run ./bin/03-chroot busybox /bin/ls Makefile
	[ "$status" -ne 0 ]
	run "$BATS_TEST_TMPDIR/nochdir" "$IMAGE" /bin/ls Makefile
	[ "$status" -eq 0 ]
	[ "$output" = Makefile ]
	# and "..", never stopped outside the root, climbs to the host's /
	touch "$BATS_TEST_TMPDIR/host-only"
	local up
	up=$(printf '../%.0s' $(seq 64))
	run "$BATS_TEST_TMPDIR/nochdir" "$IMAGE" /bin/sh -c \
		"cd $up${BATS_TEST_TMPDIR#/} && ls host-only"
	[ "$status" -eq 0 ]
	[ "$output" = host-only ]
}

# The properties this step brings and those it carries from earlier
# steps: one shared helper each (helpers.bash), run against this step,
# so that a bug in this step's copy of a lesson fails here
# (tests/mutants.bats shows that each helper catches one).

@test "carried from 02: a script without \"#!\" and 150000 arguments runs: the stack fits them" {
	copy_image "$BATS_TEST_TMPDIR/rootfs"
	assert_big_argv ./bin/03-chroot "$BATS_TEST_TMPDIR/rootfs"
}

@test "property of 03: \"/\" and the working directory are the image" {
	assert_root_is_image ./bin/03-chroot busybox
}
