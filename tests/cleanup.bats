#!/usr/bin/env bats
# needs: root
# scripts/cleanup removes what a runtime killed with SIGKILL leaves behind.
load helpers

setup() {
	requires root
	common_setup
	# the containers of 09 on: the test's own, and cleanup looks there
	export NUTSHELL_CONTAINERS=$BATS_TEST_TMPDIR/containers
}
# a test with a network namespace (net_setup, or one it names in
# TEST_NS) has it removed here, even when it fails half-way
teardown() {
	[ -z "${TEST_NS:-}" ] || ip netns del "$TEST_NS" 2>/dev/null || true
	if [ -n "${HOSTNS:-}" ]; then
		net_teardown
	else
		common_teardown
	fi
}

# A 07 killed with SIGKILL: set STALE to the pids cgroup it leaves
# behind, once its container is gone too (PR_SET_PDEATHSIG). A sleep of
# the test's holds the cgroups until then, so that no other run on this
# host sweeps them first. Not in a subshell: the test tracks the runtime.
stale_07_cgroup() {
	start_container ./bin/07-cgroup busybox /bin/sleep 30
	STALE=$(cgroup_dir "$CONTAINER_PID" pids)
	hold_cgroups "$CONTAINER_PID"
	kill -KILL "$RUNTIME_PID"
	wait_runtime
	eventually gone "$CONTAINER_PID"
	[ -d "$STALE" ]
	kill "$KEEPER"
	wait "$KEEPER" || true
}

# Start RUNNER... in a PID namespace of its own, whose pid 1 is a shell,
# then a sleep, and the runtime its child (pid 2); set UNSHARE (unshare,
# the test's child), INIT (pid 1), RUNTIME_PID and CONTAINER_PID.
start_in_pid_namespace() { # RUNNER...
	unshare --pid --fork --mount-proc sh -c '"$@" & exec sleep 1000' sh \
		"$@" >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	UNSHARE=$!
	# (a children file is pids, each followed by a space)
	eventually grep -q . "/proc/$UNSHARE/task/$UNSHARE/children"
	INIT=$(cut -d' ' -f1 "/proc/$UNSHARE/task/$UNSHARE/children")
	eventually grep -q . "/proc/$INIT/task/$INIT/children"
	RUNTIME_PID=$(cut -d' ' -f1 "/proc/$INIT/task/$INIT/children")
	await_container
}

@test "a 04-mount killed with SIGKILL leaves /proc mounted; cleanup removes it" {
	start_container ./bin/04-mount busybox /bin/sleep 30
	kill -KILL "$RUNTIME_PID" "$CONTAINER_PID"
	wait_runtime
	grep -q " $IMAGE/proc " /proc/self/mountinfo # the leak
	run scripts/cleanup
	[ "$status" -eq 0 ]
	run ! grep -q " $IMAGE/" /proc/self/mountinfo
}

@test "a 07-cgroup killed with SIGKILL leaves its cgroup; cleanup removes it" {
	stale_07_cgroup
	local pids=$STALE
	run scripts/cleanup
	[ "$status" -eq 0 ]
	[ ! -e "$pids" ]
}

@test "cleanup keeps the cgroup of a runtime that is starting, removes a stale one" {
	requires strace
	# strace stops the runtime with SIGSTOP as it enters clone(), the
	# first time, until the test sends SIGCONT: it has made its cgroup,
	# and not yet moved its container in: the cgroup is empty
	strace -o /dev/null -e inject=clone:signal=SIGSTOP:when=1 \
		./bin/07-cgroup busybox /bin/true >"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	local strace=$! runtime starting stale cg
	eventually child_named "$strace" 07-cgroup
	runtime=$(child_named "$strace" 07-cgroup)
	eventually grep -q '^State:.*stop' "/proc/$runtime/status"
	starting=$(runtime_cgroups "$runtime")
	for cg in $starting; do
		[ -z "$(cat "$cg/cgroup.procs")" ]
	done
	# and the cgroup of a runtime killed with SIGKILL
	start_container ./bin/07-cgroup busybox /bin/sleep 30
	stale=$(runtime_cgroups "$RUNTIME_PID")
	kill -KILL "$RUNTIME_PID"
	wait_runtime
	eventually gone "$CONTAINER_PID" # PR_SET_PDEATHSIG
	run scripts/cleanup
	[ "$status" -eq 0 ]
	for cg in $starting; do
		[ -d "$cg" ]
	done
	for cg in $stale; do
		[ ! -e "$cg" ]
	done
	# the runtime goes on: it moves its container in, runs it, cleans up
	kill -CONT "$runtime"
	wait "$strace" || status=$?
	cat "$BATS_TEST_TMPDIR/out" >&2
	[ "$status" -eq 0 ]
	for cg in $starting; do
		[ ! -e "$cg" ]
	done
}

@test "cleanup keeps the cgroup of a killed runtime while a process runs in it" {
	start_container ./bin/07-cgroup busybox /bin/sleep 30
	local pids other
	pids=$(cgroup_dir "$CONTAINER_PID" pids)
	sleep 30 >/dev/null 2>&1 3>&- &
	other=$!
	echo "$other" >"$pids/cgroup.procs"
	kill -KILL "$RUNTIME_PID"
	wait_runtime
	eventually gone "$CONTAINER_PID" # PR_SET_PDEATHSIG
	run scripts/cleanup
	[ "$status" -eq 0 ]
	[ -d "$pids" ]
	grep -qx "$other" "$pids/cgroup.procs"
	kill -KILL "$other"
	eventually gone "$other"
	run scripts/cleanup
	[ "$status" -eq 0 ]
	[ ! -e "$pids" ]
}

@test "an 08-net killed with SIGKILL leaves its lease and its port; cleanup removes them" {
	net_setup 08-net
	start_container "$NET" -p 8080:80 busybox sleep 30
	kill -KILL "$RUNTIME_PID"
	wait_runtime
	eventually gone "$CONTAINER_PID" # PR_SET_PDEATHSIG
	local lease
	lease=$(net_state)/nutshell0/10.219.0.2
	[ -f "$lease" ]
	run in_host iptables -t nat -S PREROUTING
	[[ $output == *"--to-destination 10.219.0.2:80"* ]]
	run in_host scripts/cleanup
	[ "$status" -eq 0 ]
	[ ! -e "$lease" ]
	run in_host iptables -t nat -S PREROUTING
	[[ $output != *DNAT* ]]
	# the bridge and the NAT rules stay for the next container...
	in_host ip link show nutshell0
	[ "$(in_host iptables -t nat -S POSTROUTING | grep -c 'comment nutshell')" -eq 1 ]
}

@test "cleanup --network removes the bridge and the rules with our comment, and only those; forwarding goes back off" {
	net_setup 08-net
	in_host iptables -A FORWARD -j ACCEPT -m comment --comment not-ours
	# off, as on most hosts (a new network namespace copies the host's
	# setting); the runtime turns it on
	in_host sh -c 'echo 0 >/proc/sys/net/ipv4/ip_forward'
	start_container "$NET" busybox sleep 30
	[ "$(in_host cat /proc/sys/net/ipv4/ip_forward)" = 1 ]
	# while a container is on the bridge, the bridge stays
	run in_host scripts/cleanup --network
	[ "$status" -eq 0 ]
	in_host ip link show nutshell0
	kill -KILL "$CONTAINER_PID"
	wait_runtime
	for _ in $(seq 50); do
		in_host ip -o link show master nutshell0 | grep -q . || break
		sleep 0.1
	done
	run in_host scripts/cleanup --network
	[ "$status" -eq 0 ]
	[[ $output == *"net.ipv4.ip_forward=0"* ]]
	[ "$(in_host cat /proc/sys/net/ipv4/ip_forward)" = 0 ]
	run in_host ip link show nutshell0
	[ "$status" -ne 0 ]
	run in_host iptables-save
	[[ $output != *"comment nutshell"* ]]
	[[ $output == *"not-ours"* ]]
	[ ! -e "$(net_state)/nutshell0" ]
}

@test "cleanup removes the network namespaces of test runs killed before their teardown, and only those" {
	local dead live=nutshell-0-$$ pid
	TEST_NS=$live
	# a pid that ran and runs no more
	sleep 0 &
	pid=$!
	wait "$pid"
	dead=nutshell-0-$pid
	ip netns add "$dead"
	ip netns add "$dead-out"
	ip netns add "$live"
	# (another suite's cleanup, running meanwhile, may remove the dead
	# ones first: they are stale to every run; the live one is no run's)
	run scripts/cleanup --dry-run
	grep -qx "would: ip netns del $dead" <<<"$output" || [ ! -e "/run/netns/$dead" ]
	[[ $output != *"$live"* ]]
	run scripts/cleanup
	[ "$status" -eq 0 ]
	grep -qx "ip netns del $dead-out" <<<"$output" || [ ! -e "/run/netns/$dead-out" ]
	[[ $output != *"$live"* ]]
	[ ! -e "/run/netns/$dead" ]
	[ ! -e "/run/netns/$dead-out" ]
	[ -e "/run/netns/$live" ]
}

@test "cleanup --dry-run says what it would remove, and removes nothing; cleanup then does; again, it finds nothing" {
	# a 04's /proc, under this clone's images: no other run's cleanup
	# touches it; and a 07's cgroup, which any run may sweep
	start_container ./bin/04-mount busybox /bin/sleep 30
	kill -KILL "$RUNTIME_PID" "$CONTAINER_PID"
	wait_runtime
	stale_07_cgroup
	local pids=$STALE
	run scripts/cleanup --dry-run
	[ "$status" -eq 0 ]
	grep -qx "would: umount $IMAGE/proc" <<<"$output"
	grep -q " $IMAGE/proc " /proc/self/mountinfo
	# the cgroup: it would go, unless another run's sweep took it first
	[[ $output == *"would: rmdir $pids"* ]] || [ ! -e "$pids" ]
	# nothing done: every line says what it would do, or what it keeps
	run grep -v -e '^would: ' -e '^keep ' <<<"$output"
	[ "$status" -eq 1 ]
	run scripts/cleanup
	[ "$status" -eq 0 ]
	grep -qx "umount $IMAGE/proc" <<<"$output"
	run ! grep -q " $IMAGE/" /proc/self/mountinfo
	[ ! -e "$pids" ]
	run scripts/cleanup
	[ "$status" -eq 0 ]
	[[ $output != *"$IMAGE/"* ]]
	[[ $output != *"$pids"* ]]
}

@test "a runtime killed in another PID namespace: cleanup keeps its cgroup while that namespace has processes, then removes it" {
	local cg
	start_in_pid_namespace ./bin/07-cgroup busybox /bin/sleep 30
	cg=$(cgroup_dir "$CONTAINER_PID" pids)
	[ "${cg##*/}" = "ns$(stat -L -c %i "/proc/$INIT/ns/pid")-2" ]
	hold_cgroups "$CONTAINER_PID"
	kill -KILL "$RUNTIME_PID"
	eventually gone "$CONTAINER_PID"
	kill "$KEEPER"
	wait "$KEEPER" || true
	# empty, its runtime gone, but its pid 2 is another namespace's
	run scripts/cleanup
	[ "$status" -eq 0 ]
	[ -d "$cg" ]
	# the namespace ends with its pid 1 (SIGKILL: from the host's
	# namespace, its init cannot ignore it)
	kill -KILL "$INIT"
	wait "$UNSHARE" || true
	run scripts/cleanup
	[ "$status" -eq 0 ]
	[ ! -e "$cg" ]
}

@test "cleanup --containers keeps a running container unless -f; with -f it stops and removes it, cgroup and all" {
	local id pid cg
	id=$(./bin/10-caps-seccomp run -d --network none busybox sleep 1000)
	pid=$(sed -n 's/^pid=//p' "$NUTSHELL_CONTAINERS/$id/state")
	cg=/sys/fs/cgroup/$(sed -n 's/^cgroup=//p' "$NUTSHELL_CONTAINERS/$id/state")
	cgroup_is_v2 || cg=/sys/fs/cgroup/pids/$(sed -n 's/^cgroup=//p' "$NUTSHELL_CONTAINERS/$id/state")
	[ -d "$cg" ]
	run scripts/cleanup --containers </dev/null
	[ "$status" -eq 0 ]
	[[ $output == *"keep $NUTSHELL_CONTAINERS/$id: its runtime still runs"* ]]
	running "$pid"
	run scripts/cleanup --containers -f </dev/null
	[ "$status" -eq 0 ]
	eventually gone "$pid"
	[ ! -e "$NUTSHELL_CONTAINERS/$id" ]
	[ ! -e "$cg" ]
}

# What cleanup must put back, in the test's own network namespace (its
# links and rules) and on the host (mounts under the repository).
baseline() {
	mount_table
	in_host ip -o link show | awk '{ print $2 }'
	in_host iptables-save | grep '^-A' || true
}
baseline_is() { # BASELINE
	[ "$(baseline)" = "$1" ]
}

@test "after a messy session with every step, make cleanup -f puts back the mounts, cgroups, links and rules" {
	net_setup 10-caps-seccomp
	local before runtimes="" net08=$BATS_TEST_TMPDIR/net-08 id running dead monitor
	printf '#!/bin/sh\nexec nsenter --net=/run/netns/%s %q "$@"\n' "$HOSTNS" "$REPO/bin/08-net" >"$net08"
	chmod +x "$net08"
	before=$(baseline)
	# 04 killed: its /proc stays mounted in the image
	start_container ./bin/04-mount busybox /bin/sleep 30
	kill -KILL "$RUNTIME_PID" "$CONTAINER_PID"
	wait_runtime
	# 07 killed: its cgroup stays
	start_container ./bin/07-cgroup busybox /bin/sleep 30
	runtimes+=" $RUNTIME_PID"
	kill -KILL "$RUNTIME_PID"
	wait_runtime
	eventually gone "$CONTAINER_PID"
	# 08 killed: its cgroup, its lease and published port, the bridge, NAT
	start_container "$net08" -p 8080:80 busybox sleep 30
	runtimes+=" $RUNTIME_PID"
	kill -KILL "$RUNTIME_PID"
	wait_runtime
	eventually gone "$CONTAINER_PID"
	# 10: one still running, one whose monitor was killed (dead)
	running=$("$NET" run -d busybox sleep 1000)
	dead=$("$NET" run -d busybox sleep 1000)
	monitor=$(sed -n 's/^monitor=//p' "$NUTSHELL_CONTAINERS/$dead/state")
	runtimes+=" $monitor $(sed -n 's/^monitor=//p' "$NUTSHELL_CONTAINERS/$running/state")"
	kill -KILL "$monitor"
	eventually gone "$(sed -n 's/^pid=//p' "$NUTSHELL_CONTAINERS/$dead/state")"
	[ "$(baseline)" != "$before" ]
	# make cleanup FORCE=1, in the test's network namespace
	run in_host make -s cleanup FORCE=1
	echo "$output" >&2
	[ "$status" -eq 0 ]
	# a dead network namespace takes its veth along a moment later
	eventually baseline_is "$before" || {
		diff <(echo "$before") <(baseline) >&2
		return 1
	}
	for id in $runtimes; do
		run runtime_cgroups "$id"
		[ "$status" -ne 0 ]
	done
	[ -z "$(ls "$NUTSHELL_CONTAINERS")" ]
	[ -z "$(find "$NUTSHELL_STATE/net" -type f ! -name '*.lock' ! -name ip_forward 2>/dev/null)" ]
	# and again: nothing left to do
	run in_host make -s cleanup FORCE=1
	[ "$status" -eq 0 ]
	[ -z "$(cleanup_said "$output")" ]
}
