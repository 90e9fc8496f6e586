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

# Every FAIL and WARN line is followed by its fix.
fixes_given() {
	local i
	for i in "${!lines[@]}"; do
		[[ ${lines[i]} == FAIL* || ${lines[i]} == WARN* ]] || continue
		[[ ${lines[i + 1]:-} =~ ^\ +fix:\ . ]] || {
			echo "no fix for: ${lines[i]}" >&2
			return 1
		}
	done
}

# A PATH with the tools doctor uses, except those named.
path_without() { # TOOL...
	local bin=$BATS_TEST_TMPDIR/bin cmd
	mkdir -p "$bin"
	for cmd in bash sh cat grep awk stat findmnt id uname unshare dirname \
		modinfo paste systemd-detect-virt ip iptables nft; do
		[[ " $* " != *" $cmd "* ]] || continue
		! command -v "$cmd" >/dev/null || ln -s "$(command -v "$cmd")" "$bin/"
	done
	echo "$bin"
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
	# a copy that nobody can reach, wherever the clone is
	run setpriv --reuid=65534 --regid=65534 --clear-groups -- "$(for_others scripts/doctor)"
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
	fixes_given
	[ "${lines[-1]}" = "doctor: these steps cannot run here: 07 08 09 10" ]
}

@test "doctor without ip or iptables: ip fails from 08 on, iptables warns" {
	run env PATH="$(path_without ip iptables nft)" "$REPO/scripts/doctor"
	echo "$output" >&2
	[ "$status" -eq 1 ]
	[[ $(line ip) == FAIL* ]]
	[[ $(line iptables) == WARN* ]]
	fixes_given
	[ "${lines[-1]}" = "doctor: these steps cannot run here: 08 09 10" ]
}

@test "doctor on a host that lacks everything it checks: what, and the fix, for each" {
	local dir=$BATS_TEST_TMPDIR/ovl
	fake_root
	echo 4.19.0-27-amd64 >"$FAKE/proc/sys/kernel/osrelease"
	grep -vw overlay /proc/filesystems >"$FAKE/proc/filesystems"
	echo "kill_process kill_thread trap log allow" >"$FAKE/proc/sys/kernel/seccomp/actions_avail"
	rmdir "$FAKE/sys/fs/cgroup/"{memory,pids}
	echo "BOOT_IMAGE=/vmlinuz root=/dev/sda1 cgroup_disable=memory" >"$FAKE/proc/cmdline"
	echo 0 >"$FAKE/proc/sys/user/max_user_namespaces"
	echo "Linux version 4.19.0 (microsoft-standard)" >"$FAKE/proc/version"
	touch "$FAKE/.dockerenv"
	mkdir -p "$dir"/{lower,upper,work,merged}
	# shellcheck disable=SC2016 # the inner shell's arguments
	run unshare -m sh -c 'mount -t overlay overlay -o "lowerdir=$1/lower,upperdir=$1/upper,workdir=$1/work" "$1/merged" &&
		exec env NUTSHELL_CONTAINERS="$1/merged/containers" NUTSHELL_DOCTOR_ROOT="$2" PATH="$3" "$4/scripts/doctor"' \
		_ "$dir" "$FAKE" "$(path_without ip iptables nft)" "$REPO"
	echo "$output" >&2
	[ "$status" -eq 1 ]
	[[ $(line kernel) == FAIL*4.19.0* ]]
	[[ $(line overlayfs) == FAIL* ]]
	[[ $(line seccomp) == FAIL* ]]
	[[ $(line cgroups) == FAIL*"no memory pids"* ]]
	[[ $output == *"fix: the kernel's command line has cgroup_disable=memory"* ]]
	[[ $(line "user namespaces") == WARN*max_user_namespaces* ]]
	[[ $(line "veth, bridge") == WARN* ]]
	[[ $(line containers) == FAIL*overlayfs* ]]
	[[ $(line ip) == FAIL* ]]
	[[ $(line iptables) == WARN*"nor nft"* ]]
	[[ $(line WSL) == WARN* ]]
	[[ $(line container) == WARN* ]]
	fixes_given
	[ "${lines[-1]}" = "doctor: these steps cannot run here: 07 08 09 10" ]
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
