#!/usr/bin/env bats
# needs: root
# scripts/doctor (make doctor): this host's report, and each check's
# failure branch, on faked inputs where the check reads files
# (NUTSHELL_DOCTOR_ROOT stands for "/"), a PATH without a tool, or a
# containers' directory on overlayfs.
load helpers

setup() {
	requires root
	common_setup
}
teardown() { common_teardown; }

# the line of check ITEM
line() { # ITEM
	grep -E "^(OK|WARN|FAIL) +$1 " <<<"$output"
}

# A fake "/": this host's files, then the test's changes.
fake_root() {
	FAKE=$BATS_TEST_TMPDIR/root
	mkdir -p "$FAKE/proc/sys/kernel/seccomp" "$FAKE/proc/sys/user" \
		"$FAKE/proc/sys/net/ipv4" "$FAKE/proc/self" "$FAKE/sys/fs/cgroup"
	uname -r >"$FAKE/proc/sys/kernel/osrelease"
	cp /proc/filesystems /proc/version "$FAKE/proc/"
	cp /proc/self/status "$FAKE/proc/self/"
	cp /proc/sys/kernel/seccomp/actions_avail "$FAKE/proc/sys/kernel/seccomp/"
	echo 15000 >"$FAKE/proc/sys/user/max_user_namespaces"
	echo 0 >"$FAKE/proc/sys/net/ipv4/ip_forward"
	mkdir "$FAKE/sys/fs/cgroup/"{memory,cpu,pids}
}

@test "make doctor on this host: one line per check, every step can run, exit 0" {
	run make -s doctor
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "doctor: every step can run here" ]
	local item
	for item in kernel root namespaces overlayfs "veth, bridge" seccomp cgroups ip image; do
		[[ $(line "$item") == OK* ]]
	done
	# no colour when the output is not a terminal
	[[ $output != *$'\e['* ]]
}

@test "doctor without root: root fails, and steps 03 to 10 cannot run" {
	run setpriv --reuid=65534 --regid=65534 --clear-groups -- scripts/doctor
	[ "$status" -eq 1 ]
	[[ $(line root) == FAIL* ]]
	[ "${lines[-1]}" = "doctor: these steps cannot run here: 03 04 05 06 07 08 09 10" ]
}

@test "doctor on faked inputs: an old kernel, no overlayfs, no seccomp filters, no cgroup controllers, AppArmor's restriction, WSL" {
	fake_root
	echo 5.10.0-8-amd64 >"$FAKE/proc/sys/kernel/osrelease"
	grep -vw overlay /proc/filesystems >"$FAKE/proc/filesystems"
	echo "kill_process kill_thread trap log allow" >"$FAKE/proc/sys/kernel/seccomp/actions_avail"
	rmdir "$FAKE/sys/fs/cgroup/memory"
	echo 1 >"$FAKE/proc/sys/kernel/apparmor_restrict_unprivileged_userns"
	echo "Linux version 5.10.0 (microsoft-standard-WSL2)" >"$FAKE/proc/version"
	run env NUTSHELL_DOCTOR_ROOT="$FAKE" scripts/doctor
	echo "$output" >&2
	[ "$status" -eq 1 ]
	[[ $(line kernel) == FAIL*5.10.0* ]]
	[[ $(line overlayfs) == FAIL* ]]
	[[ $(line seccomp) == FAIL* ]]
	[[ $(line cgroups) == FAIL*memory* ]]
	[[ $(line "user namespaces") == WARN*AppArmor* ]]
	[[ $(line WSL) == WARN* ]]
	[ "${lines[-1]}" = "doctor: these steps cannot run here: 07 08 09 10" ]
}

@test "doctor without ip or iptables: ip fails from 08 on, iptables warns" {
	local bin=$BATS_TEST_TMPDIR/bin cmd
	mkdir "$bin"
	for cmd in bash sh cat grep awk stat findmnt id uname unshare dirname \
		modinfo paste systemd-detect-virt; do
		! command -v "$cmd" >/dev/null || ln -s "$(command -v "$cmd")" "$bin/"
	done
	run env PATH="$bin" "$REPO/scripts/doctor"
	echo "$output" >&2
	[ "$status" -eq 1 ]
	[[ $(line ip) == FAIL* ]]
	[[ $(line iptables) == WARN* ]]
	[ "${lines[-1]}" = "doctor: these steps cannot run here: 08 09 10" ]
}

@test "doctor with the containers' directory on overlayfs: 09 and 10 cannot run" {
	local dir=$BATS_TEST_TMPDIR/ovl
	mkdir -p "$dir"/{lower,upper,work,merged}
	# in a mount namespace of the test's own, which the overlay leaves with
	# shellcheck disable=SC2016 # the inner shell's arguments
	run unshare -m sh -c 'mount -t overlay overlay -o "lowerdir=$1/lower,upperdir=$1/upper,workdir=$1/work" "$1/merged" &&
		NUTSHELL_CONTAINERS="$1/merged/containers" "$2/scripts/doctor"' _ "$dir" "$REPO"
	echo "$output" >&2
	[ "$status" -eq 1 ]
	[[ $(line containers) == FAIL*overlayfs* ]]
	[ "${lines[-1]}" = "doctor: these steps cannot run here: 09 10" ]
}
