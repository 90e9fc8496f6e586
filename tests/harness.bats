#!/usr/bin/env bats
# needs: root
# The leak check in every test's teardown (tests/helpers.bash): what a test
# leaves behind is reported and undone; what others run on the host at the
# same time (services in namespaces of their own, chroots, containers,
# mounts elsewhere) is not the test's and fails nothing.
load helpers

# Someone else on the host, started with setsid before any test: not a
# descendant of a test and without a test's mark. For each KIND written to
# its fifo it starts a process of that kind and writes its pid to KIND.pid.
others() { # DIR REPO
	local dir=$1 kind
	echo "$$" >"$dir/others.pid"
	while :; do
		while read -r kind; do
			case $kind in
			mntns) unshare --mount sleep 60 & ;;
			pidns) unshare --pid --fork --kill-child sleep 60 & ;;
			root) chroot "$2/images/busybox" /bin/sleep 60 & ;;
			container) "$2/bin/07-cgroup" busybox /bin/sleep 60 & ;;
			# a runtime killed with SIGKILL: its cgroup stays, with a
			# process of someone else's still in it
			stale)
				stale_cgroup "$2" >"$dir/$kind.tmp"
				mv "$dir/$kind.tmp" "$dir/$kind.pid"
				continue
				;;
			esac
			echo "$!" >"$dir/$kind.tmp"
			mv "$dir/$kind.tmp" "$dir/$kind.pid"
		done <"$dir/requests"
	done
}

# Start a 07 container, put a process of our own into its cgroup, then
# SIGKILL the runtime; print the runtime's pid (the cgroup's name).
stale_cgroup() { # REPO
	local runtime container cg=/sys/fs/cgroup/pids/nutshell
	[ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ] || cg=/sys/fs/cgroup/nutshell
	"$1/bin/07-cgroup" busybox /bin/sleep 60 >/dev/null 2>&1 &
	runtime=$!
	# until its child, the container, is in its cgroup
	until container=$(cat "/proc/$runtime/task/$runtime/children" 2>/dev/null) &&
		grep -qs "/nutshell/$runtime\$" "/proc/${container%% *}/cgroup"; do
		sleep 0.05
	done
	sleep 60 >/dev/null 2>&1 &
	echo "$!" >"$cg/$runtime/cgroup.procs"
	kill -KILL "$runtime"
	echo "$runtime"
}

setup_file() {
	[ "$(id -u)" -eq 0 ] || return 0 # setup skips every test
	mkfifo "$BATS_FILE_TMPDIR/requests"
	env -u NUTSHELL_TEST_MARK setsid bash -c "$(declare -f others stale_cgroup); others \"\$@\"" \
		_ "$BATS_FILE_TMPDIR" "$REPO" </dev/null >/dev/null 2>&1 3>&- &
}

teardown_file() {
	local pid
	pid=$(cat "$BATS_FILE_TMPDIR/others.pid" 2>/dev/null) || return 0
	kill "$pid"
}

setup() {
	requires root
	common_setup
}
teardown() { common_teardown; }

# Ask the others to start a process of KIND; prints its pid.
ask_others() { # KIND
	rm -f "$BATS_FILE_TMPDIR/$1.pid"
	echo "$1" >"$BATS_FILE_TMPDIR/requests"
	eventually test -s "$BATS_FILE_TMPDIR/$1.pid"
	cat "$BATS_FILE_TMPDIR/$1.pid"
}

# The first child of PID that has exec'd something else than PID.
exec_child() { # PID
	local child
	child=$(cat "/proc/$1/task/$1/children" 2>/dev/null) || return 1
	child=${child%% *}
	[ -n "$child" ] && [ "$(readlink "/proc/$child/exe")" != "$(readlink "/proc/$1/exe")" ] &&
		echo "$child"
}

# Is PID in a mount namespace, or under a root, other than ours?
in_other_mntns() { # PID
	[ "$(readlink "/proc/$1/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ]
}
in_other_root() { # PID
	[ "$(readlink "/proc/$1/root")" != / ]
}

@test "a process the test leaves running on the host is reported and killed" {
	sleep 60 >/dev/null 2>&1 3>&- &
	local pid=$!
	run common_teardown
	[ "$status" -eq 1 ]
	[[ $output == *"left running: $pid sleep 60"* ]]
	gone "$pid"
}

@test "a container whose runtime was killed is reported and killed" {
	start_container ./bin/05-allns busybox /bin/sleep 60
	kill -KILL "$RUNTIME_PID"
	wait_runtime
	running "$CONTAINER_PID" # 05 has no PR_SET_PDEATHSIG: it runs on
	run common_teardown
	[ "$status" -eq 1 ]
	[[ $output == *"left running: $CONTAINER_PID /bin/sleep 60"* ]]
	gone "$CONTAINER_PID"
}

@test "a proc mount left under an image is reported and unmounted" {
	local img
	copy_image "$BATS_TEST_TMPDIR/img"
	img=$(realpath "$BATS_TEST_TMPDIR/img")
	start_container ./bin/04-mount "$img" /bin/sleep 60
	kill -KILL "$RUNTIME_PID"
	wait_runtime
	grep -q " $img/proc " /proc/self/mountinfo # nobody unmounted it
	run common_teardown
	[ "$status" -eq 1 ]
	[[ $output == *"left running: $CONTAINER_PID /bin/sleep 60"* ]]
	[[ $output == *"> / $img/proc proc proc"* ]]
	gone "$CONTAINER_PID"
	run ! grep -q " $img/" /proc/self/mountinfo
}

@test "a container still running at the end is stopped and its cgroup removed" {
	start_container ./bin/07-cgroup busybox /bin/sleep 60
	local cgroups cg
	cgroups=$(runtime_cgroups "$RUNTIME_PID")
	[ -n "$cgroups" ]
	run common_teardown
	[ "$status" -eq 1 ]
	[[ $output == *"left running: $RUNTIME_PID ./bin/07-cgroup busybox /bin/sleep 60"* ]]
	[[ $output == *"left running: $CONTAINER_PID /bin/sleep 60"* ]]
	[[ $output == *"left behind: cgroup "*"/nutshell/$RUNTIME_PID"* ]]
	gone "$RUNTIME_PID"
	gone "$CONTAINER_PID"
	for cg in $cgroups; do
		[ ! -e "$cg" ]
	done
}

@test "the cgroup of a killed runtime is reported, and what runs in it killed" {
	start_container ./bin/07-cgroup busybox /bin/sleep 60
	local cgroups cg pids other
	cgroups=$(runtime_cgroups "$RUNTIME_PID")
	pids=$(cgroup_dir "$CONTAINER_PID" pids)
	# A process without the test's mark, as 09's containers will have a
	# clean environment: only its cgroup tells that it is the test's. It
	# also keeps another suite's runtime from sweeping the cgroup away
	# before the teardown looks (rmdir: EBUSY).
	env -u NUTSHELL_TEST_MARK sleep 60 >/dev/null 2>&1 3>&- &
	other=$!
	echo "$other" >"$pids/cgroup.procs"
	kill -KILL "$RUNTIME_PID"
	wait_runtime
	eventually gone "$CONTAINER_PID" # PR_SET_PDEATHSIG
	run common_teardown
	[ "$status" -eq 1 ]
	[[ $output == *"left behind: cgroup $pids"* ]]
	[[ $output == *"left running: $other sleep 60"* ]]
	gone "$other"
	for cg in $cgroups; do
		[ ! -e "$cg" ]
	done
}

@test "someone else's namespaced processes, chroot and container are not the test's" {
	local mntns pidns root runtime container
	mntns=$(ask_others mntns)
	pidns=$(ask_others pidns)
	root=$(ask_others root)
	runtime=$(ask_others container)
	# each is what a leak of the test would look like
	eventually in_other_mntns "$mntns"
	eventually exec_child "$pidns"
	[ "$(readlink "/proc/$(exec_child "$pidns")/ns/pid")" != "$HOST_PIDNS" ]
	eventually in_other_root "$root"
	eventually exec_child "$runtime"
	container=$(exec_child "$runtime")
	[ -n "$(runtime_cgroups "$runtime")" ]
	run common_teardown
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	running "$mntns" && running "$pidns" && running "$root" && running "$container"
	# the container ends, and its runtime removes its cgroup
	kill -KILL "$mntns" "$pidns" "$root" "$container"
	eventually gone "$runtime"
}

@test "someone else's killed runtime: its cgroup, with a process still in it, is not the test's" {
	local runtime cg
	runtime=$(ask_others stale)
	eventually gone "$runtime"
	cg=$(runtime_cgroups "$runtime" | head -n 1)
	[ -n "$cg" ]
	run common_teardown
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# the other process still runs in there; clean up after the others
	# shellcheck disable=SC2046 # one cgroup a line
	remove_cgroups $(runtime_cgroups "$runtime")
}

@test "a mount made outside the repository is not the test's; one inside is" {
	local tmp
	tmp=$(realpath "$BATS_TEST_TMPDIR")
	# in a throwaway mount namespace: the host's mount table stays as it is
	# shellcheck disable=SC2016 # expanded by the inner bash
	BATS_RUN_TMPDIR=$BATS_RUN_TMPDIR run unshare --mount --propagation private bash -c '
		bats_require_minimum_version() { :; }
		BATS_TEST_DIRNAME=$1
		. "$1/helpers.bash"
		common_setup
		mount -t tmpfs elsewhere /mnt
		common_teardown
		echo "elsewhere: $?"
		common_setup
		mount -t tmpfs inside "$2"
		common_teardown
		echo "inside: $?"
		grep -c " $2 " /proc/self/mountinfo' _ "$BATS_TEST_DIRNAME" "$tmp"
	[[ $output == *"elsewhere: 0"* ]]
	[[ $output == *"> / $tmp tmpfs inside"* ]]
	[[ $output == *"inside: 1"* ]]
	[ "${lines[-1]}" = 0 ] # unmounted
}

# shellcheck disable=SC2016 # expanded by the inner bash
@test "a test that renames the host is reported, and the name is put back" {
	# in a UTS namespace of its own, so that the real host keeps its name
	run unshare --uts bash -c '
		source "$0"
		common_setup
		hostname renamed-by-a-test
		common_teardown
		echo "status $? hostname $(hostname)"' "$REPO/tests/helpers.bash"
	[[ $output == *"the test renamed the host: $(hostname) -> renamed-by-a-test"* ]]
	[[ ${lines[-1]} == "status 1 hostname $(hostname)" ]]
}

# shellcheck disable=SC2016 # expanded by the inner bash
@test "a bridge made in the test's network namespace is reported and removed, ip_forward put back" {
	# in a network namespace of its own: the host's network stays as it is
	run unshare --net bash -c '
		bats_require_minimum_version() { :; }
		BATS_TEST_DIRNAME=$1 BATS_TEST_TMPDIR=$2
		. "$1/helpers.bash"
		common_setup
		echo "ip_forward before: $FORWARD_BEFORE"
		./bin/09-overlay run --rm busybox true
		echo "ip_forward during: $(</proc/sys/net/ipv4/ip_forward)"
		common_teardown
		echo "status $?"
		ip -o link show dev nutshell0 || echo "no bridge"
		echo "rules: $(iptables-save | grep -c -- "--comment nutshell")"
		echo "ip_forward after: $(</proc/sys/net/ipv4/ip_forward)"' _ "$BATS_TEST_DIRNAME" "$BATS_TEST_TMPDIR"
	[[ $output == *"ip_forward during: 1"* ]]
	[[ $output == *"the test made a bridge in the host's network namespace"* ]]
	[[ $output == *"status 1"* ]]
	[[ $output == *"no bridge"* ]]
	[[ $output == *"rules: 0"* ]]
	[[ $output == *"ip_forward after: ${lines[0]#ip_forward before: }"* ]]
	[[ ${lines[0]} == "ip_forward before: "[01] ]]
}

# shellcheck disable=SC2016 # expanded by the inner bash
@test "a bridge that another runtime made meanwhile, its lock elsewhere, is not the test's" {
	run unshare --net bash -c '
		bats_require_minimum_version() { :; }
		BATS_TEST_DIRNAME=$1 BATS_TEST_TMPDIR=$2
		. "$1/helpers.bash"
		common_setup
		NUTSHELL_STATE=$2/other ./bin/09-overlay run --rm busybox true
		common_teardown
		echo "status $?"
		ip -o link show dev nutshell0 >/dev/null && echo "bridge kept"' _ "$BATS_TEST_DIRNAME" "$BATS_TEST_TMPDIR"
	[ "$output" = "$(printf 'status 0\nbridge kept')" ]
}
