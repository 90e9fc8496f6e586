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

@test "shared /: a mount made inside 05 leaks to the host, inside 06 it does not" {
	run unshare -m bash -c 'mount --make-rshared / && ./bin/05-allns busybox /bin/sh -c "mount -t tmpfs leak /mnt" && grep images/busybox/mnt /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	run unshare -m bash -c 'mount --make-rshared / && ./bin/06-private-mnt busybox /bin/sh -c "mount -t tmpfs leak /mnt" && grep images/busybox /proc/self/mountinfo'
	[ "$status" -eq 1 ] # no mount at all under the image: not /mnt, not /proc
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

@test "no copy-on-write yet: a write inside lands in the rootfs" {
	local rootfs=$BATS_TEST_TMPDIR/rootfs
	copy_image "$rootfs"
	run ./bin/06-private-mnt "$rootfs" /bin/sh -c 'echo written >/root/note'
	[ "$status" -eq 0 ]
	[ "$(cat "$rootfs/root/note")" = written ]
}

@test "without root: one line that says so, and 125" {
	assert_needs_root ./bin/06-private-mnt busybox
}

@test "bad input: usage, a missing image, not a directory, a directory named without a slash" {
	assert_bad_rootfs_input ./bin/06-private-mnt
}

@test "make diff STEP=06 shows the private remount and pivot_root" {
	run make diff STEP=06
	[ "$status" -eq 0 ]
	[[ $output == *"+	if (mount(NULL, \"/\", NULL, MS_REC | MS_PRIVATE, NULL) == -1)"* ]]
	[[ $output == *"-	if (chroot(rootfs) == -1)"* ]]
}

# The tests below back docs/06-private-mnt.md: its "Try it" commands, and
# each failure its "What can go wrong" section names.

# Build a copy of step 06 edited by the sed SCRIPT into $BATS_TEST_TMPDIR/NAME,
# to show what the kernel does without one of the step's calls. The edit
# must change the file, or the test would prove nothing.
build_variant() { # NAME SCRIPT
	local src=$BATS_TEST_TMPDIR/$1.c
	sed "$2" steps/06-private-mnt.c >"$src"
	if cmp -s "$src" steps/06-private-mnt.c; then
		echo "build_variant: '$2' changed nothing in steps/06-private-mnt.c" >&2
		return 1
	fi
	cc -std=gnu11 -O2 -Wno-unused-function -I steps \
		-o "$BATS_TEST_TMPDIR/$1" "$src" common/*.c
}

@test "Try it: cat /proc/self/mountinfo shows six private mounts, / is the image" {
	run ./bin/06-private-mnt busybox cat /proc/self/mountinfo
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 6 ]
	# no optional field: every mount is private
	[[ $output != *shared:* && $output != *master:* ]]
	# the root mount's field 4 (its root within its filesystem) ends with
	# the image's path: the bind mount of the image is "/"
	local root
	root=$(awk '$5 == "/" { print $4 }' <<<"$output")
	[ -n "$root" ]
	[[ $IMAGE == *"$root" ]]
	# and the file systems are the ones the step mounts, in its order
	[ "$(awk '$5 != "/" { for (i = 7; $i != "-"; i++) ; print $5, $(i + 1) }' <<<"$output" | tr '\n' ' ')" = \
		"/proc proc /sys sysfs /dev tmpfs /dev/pts devpts /dev/shm tmpfs " ]
}

@test "shared /: in 05 the mount inside and its copy outside are one peer group" {
	run unshare -m bash -c 'mount --make-rshared / && ./bin/05-allns busybox /bin/sh -c "mount -t tmpfs leak /mnt && grep leak /proc/self/mountinfo" && grep leak /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	# inside at /mnt, outside at IMAGE/mnt: two mounts with two IDs...
	[ "$(awk '{ print $5 }' <<<"${lines[0]}")" = /mnt ]
	[ "$(awk '{ print $5 }' <<<"${lines[1]}")" = "$IMAGE/mnt" ]
	[ "$(awk '{ print $1 }' <<<"${lines[0]}")" != "$(awk '{ print $1 }' <<<"${lines[1]}")" ]
	# ...of the same tmpfs (device), in the same shared peer group
	[ "$(awk '{ print $3 }' <<<"${lines[0]}")" = "$(awk '{ print $3 }' <<<"${lines[1]}")" ]
	local group
	group=$(grep -o 'shared:[0-9]*' <<<"${lines[0]}")
	[ -n "$group" ]
	[[ ${lines[1]} == *" $group "* ]]
}

@test "shared /: in 06 the same mount is private and stays inside" {
	run unshare -m bash -c 'mount --make-rshared / && ./bin/06-private-mnt busybox /bin/sh -c "mount -t tmpfs leak /mnt && grep leak /proc/self/mountinfo" && grep leak /proc/self/mountinfo'
	# the container printed its line; the host's grep found nothing
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$(awk '{ print $5 }' <<<"$output")" = /mnt ]
	[[ $output != *shared:* ]]
}

@test "shared /: the private remount changes the container's copies, not the host's" {
	run unshare -m bash -c 'mount --make-rshared / && ./bin/06-private-mnt busybox /bin/true && findmnt -no PROPAGATION /'
	[ "$status" -eq 0 ]
	[ "$output" = shared ]
}

@test "pivot_root fails with EINVAL under a shared /, and works once / is private" {
	build_variant no-private '/^\tmake_mounts_private();$/d'
	run unshare -m bash -c 'mount --make-rshared / && "$0" "$1" /bin/true' \
		"$BATS_TEST_TMPDIR/no-private" "$IMAGE"
	[ "$status" -eq 125 ]
	[[ $output == *"pivot_root \`$IMAGE\`: Invalid argument"* ]]
	[[ $output == *"hint: "*"docs/troubleshooting.md"* ]]
	# the same program in a namespace whose / is private (unshare's default)
	run unshare -m "$BATS_TEST_TMPDIR/no-private" "$IMAGE" /bin/true
	[ "$status" -eq 0 ]
}

@test "without the bind mount, pivot_root fails: EBUSY or EINVAL by where the image is" {
	build_variant no-bind '/MS_BIND | MS_REC/,+1d'
	# the image, a directory that is not a mount point: EBUSY if it is on
	# the same mount as the current root, EINVAL if it is on another one
	local expected="Invalid argument"
	if [ "$(findmnt -no TARGET -T "$IMAGE")" = / ]; then
		expected="Device or resource busy"
	fi
	run "$BATS_TEST_TMPDIR/no-bind" "$IMAGE" /bin/true
	[ "$status" -eq 125 ]
	[[ $output == *"pivot_root \`$IMAGE\`: $expected"* ]]
	# a directory on a tmpfs, in a throwaway namespace: EINVAL
	mkdir "$BATS_TEST_TMPDIR/mnt"
	run unshare -m bash -c 'mount -t tmpfs tmp "$1" && mkdir "$1/image" && "$0" "$1/image" /bin/true' \
		"$BATS_TEST_TMPDIR/no-bind" "$BATS_TEST_TMPDIR/mnt"
	[ "$status" -eq 125 ]
	[[ $output == *"pivot_root \`$BATS_TEST_TMPDIR/mnt/image\`: Invalid argument"* ]]
}

@test "the old root can only be detached: a plain umount of it is EBUSY" {
	build_variant no-detach 's/umount2(".", MNT_DETACH)/umount2(".", 0)/'
	run "$BATS_TEST_TMPDIR/no-detach" "$IMAGE" /bin/true
	[ "$status" -eq 125 ]
	[[ $output == *"umount the old root: Device or resource busy"* ]]
}

@test "ROOTFS / is refused by pivot_root with EBUSY" {
	run ./bin/06-private-mnt / /bin/true
	[ "$status" -eq 125 ]
	[[ $output == *"pivot_root \`/\`: Device or resource busy"* ]]
	[[ $output == *"hint: "*"docs/troubleshooting.md"* ]]
}

@test "run from inside a chroot, the private remount fails with EINVAL" {
	local jail=$BATS_TEST_TMPDIR/jail
	mkdir "$jail"
	cc -std=gnu11 -O2 -static -o "$jail/06-private-mnt" \
		steps/06-private-mnt.c common/*.c
	run chroot "$jail" /06-private-mnt / /bin/true
	[ "$status" -eq 125 ]
	[[ $output == *"mount \`/\` private: Invalid argument"* ]]
}

@test "in a user namespace, mounting proc after the old root is gone: EPERM" {
	unshare -Ur true || skip "this host does not allow user namespaces"
	run unshare -Ur ./bin/06-private-mnt busybox /bin/true
	[ "$status" -eq 125 ]
	[[ $output == *"mount \`proc\` on \`/proc\`: Operation not permitted"* ]]
	[[ $output == *"hint: "*"docs/troubleshooting.md"* ]]
}

@test "Try it: a chroot escape gets out of 03-chroot and 05, not out of 06" {
	local rootfs
	export TMPDIR=$BATS_TEST_TMPDIR # so that mktemp -d is cleaned up
	rootfs=$(mktemp -d)/rootfs
	cp -a images/busybox "$rootfs"
	cc -static -o "$rootfs/bin/chroot-escape" tests/chroot-escape.c
	# the repository's Makefile is a host file the image does not have
	[ ! -e "$rootfs$PWD/Makefile" ]
	run ./bin/03-chroot "$rootfs" /bin/chroot-escape "$PWD/Makefile"
	[ "$status" -eq 0 ]
	[ "$output" = escaped ]
	# 05 enters the image with the same chroot()
	run ./bin/05-allns "$rootfs" /bin/chroot-escape "$PWD/Makefile"
	[ "$status" -eq 0 ]
	[ "$output" = escaped ]
	run ./bin/06-private-mnt "$rootfs" /bin/chroot-escape "$PWD/Makefile"
	[ "$status" -eq 1 ]
	[ "$output" = contained ]
}

@test "Try it: /dev holds six nodes, five links, pts and shm; pts has no host terminal" {
	run ./bin/06-private-mnt busybox ls -l /dev
	[ "$status" -eq 0 ]
	# type and mode, major, minor and name of each node, as ls prints them
	local node major minor name
	for node in "1 3 null" "1 5 zero" "1 7 full" "1 8 random" \
		"1 9 urandom" "5 0 tty"; do
		read -r major minor name <<<"$node"
		grep -Eq "^crw-rw-rw- .* $major, +$minor .* $name\$" <<<"$output"
	done
	for node in "fd -> /proc/self/fd" "stdin -> /proc/self/fd/0" \
		"stdout -> /proc/self/fd/1" "stderr -> /proc/self/fd/2" \
		"ptmx -> pts/ptmx"; do
		[[ $output == *" $node"* ]]
	done
	[ "$(grep -c '^d' <<<"$output")" -eq 2 ]
	run ./bin/06-private-mnt busybox ls /dev/pts
	[ "$output" = ptmx ]
}

@test "Try it: sysfs lists the devices of the namespace that mounted it" {
	run ./bin/06-private-mnt busybox ls /sys/class/net
	[ "$output" = lo ]
	# a new network namespace reading the host's sysfs still sees the
	# host's devices: the namespace is taken when sysfs is mounted
	run unshare -n ls /sys/class/net
	[ "$status" -eq 0 ]
	[ "$output" = "$(ls /sys/class/net)" ]
}

@test "root in 06 is the host's root: same capabilities, reads the kernel log" {
	run ./bin/06-private-mnt busybox grep CapEff /proc/self/status
	[ "$status" -eq 0 ]
	[ "$output" = "$(grep CapEff /proc/self/status)" ]
	run ./bin/06-private-mnt busybox dmesg
	[ "$status" -eq 0 ]
	[ -n "$output" ]
}

@test "Try it: root in 06 can make its read-only /sys writable again" {
	local host_sys
	host_sys=$(findmnt -no OPTIONS /sys)
	run ./bin/06-private-mnt busybox /bin/sh -c 'mount -o remount,rw /sys && grep " /sys " /proc/self/mountinfo'
	[ "$status" -eq 0 ]
	[[ $output == *" /sys rw,"* ]]
	# the container's sysfs, not the host's
	[ "$(findmnt -no OPTIONS /sys)" = "$host_sys" ]
}

@test "a rootfs without /proc, /sys or /dev is refused, and not modified" {
	local rootfs=$BATS_TEST_TMPDIR/rootfs before dir
	copy_image "$rootfs"
	rmdir "$rootfs/proc" # as the chapter's Try it does; the loop does the rest
	for dir in proc sys dev; do
		[ ! -d "$rootfs/$dir" ] || rmdir "$rootfs/$dir"
		before=$(tree_state "$rootfs")
		run ./bin/06-private-mnt "$rootfs" /bin/true
		[ "$status" -eq 125 ]
		[[ $output == *" on \`/$dir\`: No such file or directory"* ]]
		[ "$(tree_state "$rootfs")" = "$before" ]
		mkdir "$rootfs/$dir"
	done
}

@test "while a container runs, the image's /dev and /proc stay empty on the host" {
	start_container ./bin/06-private-mnt busybox /bin/sleep 30
	run ls -A images/busybox/dev images/busybox/proc images/busybox/sys
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'images/busybox/dev:\n\nimages/busybox/proc:\n\nimages/busybox/sys:')" ]
	kill -KILL "$CONTAINER_PID"
	wait_runtime
	[ "$status" -eq 137 ]
}

@test "the problem: 05 has no /dev, so >/dev/null writes a file into the image" {
	local rootfs=$BATS_TEST_TMPDIR/rootfs
	copy_image "$rootfs"
	run ./bin/05-allns "$rootfs" /bin/sh -c 'echo hi >/dev/null'
	[ "$status" -eq 0 ]
	[ -f "$rootfs/dev/null" ]
	[ "$(cat "$rootfs/dev/null")" = hi ]
	# 06 writes to its own /dev/null, and the image's /dev stays empty
	rm "$rootfs/dev/null"
	run ./bin/06-private-mnt "$rootfs" /bin/sh -c 'echo hi >/dev/null'
	[ "$status" -eq 0 ]
	[ -z "$(ls -A "$rootfs/dev")" ]
}

@test "the host's terminal works inside, but its name does not resolve there" {
	requires script
	# script(1) gives the runtime a pty from the host's devpts; the
	# container mounts a devpts instance of its own, where it is absent.
	# shellcheck disable=SC2016 # expanded by the container's shell
	local inside='[ -t 0 ] || exit 2
		pts=$(readlink /proc/self/fd/0)
		case $pts in /dev/pts/[0-9]*) ;; *) exit 3 ;; esac
		[ -e "$pts" ] && exit 4
		tty >/dev/null
		echo "tty=$?"'
	run script -qec "./bin/06-private-mnt busybox /bin/sh -c '$inside'" /dev/null
	[ "$status" -eq 0 ]
	[[ $output == *tty=1* ]] # tty(1) finds no name for its stdin
}

# The properties this step brings and those it carries from earlier
# steps: one shared helper each (helpers.bash), run against this step,
# so that a bug in this step's copy of a lesson fails here
# (tests/mutants.bats shows that each helper catches one).

@test "carried from 02: a script without \"#!\" and 150000 arguments runs: the stack fits them" {
	copy_image "$BATS_TEST_TMPDIR/rootfs"
	assert_big_argv ./bin/06-private-mnt "$BATS_TEST_TMPDIR/rootfs"
}

@test "carried from 03: \"/\" and the working directory are the image" {
	assert_root_is_image ./bin/06-private-mnt busybox
}

@test "carried from 04: /proc is a proc mount, nosuid, nodev, noexec" {
	assert_proc_mounted ./bin/06-private-mnt busybox
}

@test "carried from 04: SIGTERM and SIGHUP are passed on; the runtime exits as the command did" {
	assert_forwards_signals ./bin/06-private-mnt busybox
}

@test "carried from 05: its own IPC, mount, network, PID and UTS namespaces" {
	assert_own_namespaces "ipc mnt net pid uts" ./bin/06-private-mnt busybox
}

@test "carried from 05: PID 1, and a hostname of its own" {
	assert_pid1_and_hostname ./bin/06-private-mnt busybox
}

@test "property of 06: under a shared /, a mount made inside stays inside" {
	assert_mounts_stay_inside ./bin/06-private-mnt busybox
}

@test "property of 06: pivot_root: the chroot escape finds no way out" {
	assert_no_chroot_escape ./bin/06-private-mnt
}

@test "property of 06: its own private mounts: /proc, read-only /sys, a /dev with its nodes" {
	assert_standard_mounts ./bin/06-private-mnt busybox
}

@test "property of 06: the image is left exactly as it was" {
	assert_image_unchanged ./bin/06-private-mnt busybox
}

@test "known gap: a directory descriptor inherited by the runtime leads to the host's files" {
	assert_inherited_fd_reaches_host ./bin/06-private-mnt busybox
}
