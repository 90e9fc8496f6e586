#!/usr/bin/env bats
# needs: root
# scripts/cleanup removes what a runtime killed with SIGKILL leaves behind.
load helpers

setup() {
	requires root
	common_setup
}
teardown() { common_teardown; }

@test "a 04-mount killed with SIGKILL leaves /proc mounted; cleanup removes it" {
	start_container ./bin/04-mount busybox /bin/sleep 30
	kill -KILL "$RUNTIME_PID" "$CONTAINER_PID"
	wait_runtime
	grep -q " $IMAGE/proc " /proc/self/mountinfo # the leak
	run scripts/cleanup
	[ "$status" -eq 0 ]
	run ! grep -q images/busybox /proc/self/mountinfo
}

@test "a 07-cgroup killed with SIGKILL leaves its cgroup; cleanup removes it" {
	start_container ./bin/07-cgroup busybox /bin/sleep 30
	local pids
	pids=$(cgroup_dir "$CONTAINER_PID" pids)
	kill -KILL "$RUNTIME_PID"
	wait_runtime
	for _ in $(seq 50); do
		[ -e "/proc/$CONTAINER_PID" ] || break
		sleep 0.1
	done
	[ -d "$pids" ]
	run scripts/cleanup
	[ "$status" -eq 0 ]
	[ ! -e "$pids" ]
}
