#!/usr/bin/env bats
# needs: root
# 07-cgroup: a cgroup per container, with memory, CPU and pids limits.
# Runs on v1 here and on v2 in `make test-vm`; the paths come from what the
# kernel shows in /proc/PID/cgroup.
# shellcheck disable=SC2016 # single-quoted $ is for the container's shell
load helpers

setup() {
	requires root
	common_setup
}
teardown() {
	if [ -n "${LIMITED:-}" ]; then
		rmdir "$LIMITED" || true
	fi
	common_teardown
}

oom_kills() { # MEMORY-DIR
	if cgroup_is_v2; then keyed "$1/memory.events" oom_kill; else keyed "$1/memory.oom_control" oom_kill; fi
}
cpu_usage_usec() { # PID
	if cgroup_is_v2; then
		keyed "$(cgroup_dir "$1" cpu)/cpu.stat" usage_usec
	else
		echo $(($(cat "$(cgroup_dir "$1" cpuacct)/cpuacct.usage") / 1000))
	fi
}

@test "make step-07 builds the program" {
	run make step-07
	[ "$status" -eq 0 ]
	[ -x bin/07-cgroup ]
}

@test "stdio and exit codes pass through" {
	assert_stdio_passes ./bin/07-cgroup busybox
	assert_exit_codes ./bin/07-cgroup busybox
}

@test "with the docs' limits, its cgroup namespace shows /" {
	assert_cgroupns_root ./bin/07-cgroup -m 32m --pids-limit 20 --cpus 0.5 busybox
}

@test "-m 32m: a memory hog is OOM-killed inside, exit 137, the host is fine" {
	# one process: with a pipeline (x=$(head | tr)) the OOM killer may
	# also take a pipe's tr while the shell's memory is still being freed
	run ./bin/07-cgroup -m 32m busybox /bin/sh -c 'x=a; while [ ${#x} -lt 100000000 ]; do x=$x$x; done; echo survived'
	[ "$status" -eq 137 ]
	[ "$output" = "" ]
	# without the limit (06) the same hog finishes
	run ./bin/06-private-mnt busybox /bin/sh -c 'x=a; while [ ${#x} -lt 100000000 ]; do x=$x$x; done; echo survived'
	[ "$status" -eq 0 ]
	[ "$output" = survived ]
	# the kernel's count: run the hog as a child and read the cgroup
	start_container ./bin/07-cgroup -m 32m busybox /bin/sh -c 'sh -c "x=a; while :; do x=\$x\$x; done"; echo "hog $?"; exec sleep 30'
	local mem
	mem=$(cgroup_dir "$CONTAINER_PID" memory)
	for _ in $(seq 100); do
		grep -q hog "$BATS_TEST_TMPDIR/out" && break
		sleep 0.1
	done
	grep -qx "hog 137" "$BATS_TEST_TMPDIR/out"
	[ "$(oom_kills "$mem")" -ge 1 ]
	kill -KILL "$CONTAINER_PID"
	wait_runtime
	run /bin/true # and the host can still run things
	[ "$status" -eq 0 ]
}

@test "--pids-limit 20: a fork flood fails inside, the host can still fork" {
	# the flooding shell dies at its first failed fork; its sleeps stay
	start_container ./bin/07-cgroup --pids-limit 20 busybox /bin/sh -c 'sh -c "for i in \$(seq 40); do sleep 30 & done"; echo "flooded $?"; exec sleep 30'
	local pids
	pids=$(cgroup_dir "$CONTAINER_PID" pids)
	for _ in $(seq 100); do
		grep -q flooded "$BATS_TEST_TMPDIR/out" && break
		sleep 0.1
	done
	grep -q "flooded 2" "$BATS_TEST_TMPDIR/out"
	grep -q "can't fork: Resource temporarily unavailable" "$BATS_TEST_TMPDIR/out" # EAGAIN
	[ "$(cat "$pids/pids.current")" -le 20 ]
	[ "$(cat "$pids/pids.current")" -ge 15 ]
	[ "$(keyed "$pids/pids.events" max)" -ge 1 ] # forks refused by the limit
	run /bin/true
	[ "$status" -eq 0 ]
	kill -KILL "$CONTAINER_PID"
	wait_runtime
	[ "$status" -eq 137 ]
}

@test "--cpus 0.2: a busy loop gets at most about 0.2 CPU, by the kernel's accounting" {
	start_container ./bin/07-cgroup --cpus 0.2 busybox /bin/sh -c 'while :; do :; done'
	local cpu periods0 usage0 periods1 usage1 throttled
	cpu=$(cgroup_dir "$CONTAINER_PID" cpu)
	periods0=$(keyed "$cpu/cpu.stat" nr_periods)
	usage0=$(cpu_usage_usec "$CONTAINER_PID")
	sleep 2
	periods1=$(keyed "$cpu/cpu.stat" nr_periods)
	usage1=$(cpu_usage_usec "$CONTAINER_PID")
	throttled=$(keyed "$cpu/cpu.stat" nr_throttled)
	kill -KILL "$CONTAINER_PID"
	wait_runtime
	[ "$throttled" -ge 1 ] # the kernel stopped it for the rest of a period
	# CPU time used per 100 ms enforcement period: the quota is 20 ms
	echo "usage $((usage1 - usage0)) us over $((periods1 - periods0)) periods" >&2
	[ $((periods1 - periods0)) -ge 5 ]
	[ $((usage1 - usage0)) -le $(((periods1 - periods0) * 30000)) ]
}

@test "containers starting and ending side by side all run, and clean up" {
	# One runtime's last container ends and it removes nutshell/ just as
	# another runtime makes its cgroup in there: that one must retry, not
	# fail with ENOENT. Four loops of 25 hit the window most runs.
	local loop failed=0
	for loop in 1 2 3 4; do
		(
			for _ in $(seq 25); do
				./bin/07-cgroup busybox /bin/true || exit 1
			done
		) 2>"$BATS_TEST_TMPDIR/err$loop" &
	done
	for loop in 1 2 3 4; do
		wait -n || failed=$((failed + 1))
	done
	cat "$BATS_TEST_TMPDIR"/err* >&2
	[ "$failed" -eq 0 ]
	[ -z "$(cat "$BATS_TEST_TMPDIR"/err*)" ]
	# and the teardown checks that none of their cgroups is left
}

@test "a failure half-way removes the cgroup it made" {
	# 5000000 parses, but the kernel refuses a pids.max above PID_MAX_LIMIT
	run ./bin/07-cgroup --pids-limit 5000000 busybox /bin/true
	[ "$status" -eq 125 ]
	[[ $output == *pids.max* ]]
	# and a child that fails (no such command) is cleaned up after too
	run -127 ./bin/07-cgroup -m 32m busybox no-such-command
}

@test "docker's cgroupfs layout: the container leaves its caller's cgroup, and that cgroup's limit" {
	# a cgroup of the test's own with a 64 MiB memory limit, as a shell
	# in a limited systemd slice or a CI job's cgroup would have
	local hog='x=a; while [ ${#x} -lt 100000000 ]; do x=$x$x; done; echo survived'
	if cgroup_is_v2; then
		echo +memory >/sys/fs/cgroup/cgroup.subtree_control
		LIMITED=/sys/fs/cgroup/nutshell-test-$BASHPID
		mkdir "$LIMITED"
		echo $((64 << 20)) >"$LIMITED/memory.max"
		[ ! -e "$LIMITED/memory.swap.max" ] || echo 0 >"$LIMITED/memory.swap.max"
	else
		LIMITED=/sys/fs/cgroup/memory/nutshell-test-$BASHPID
		mkdir "$LIMITED"
		echo $((64 << 20)) >"$LIMITED/memory.limit_in_bytes"
		[ ! -e "$LIMITED/memory.memsw.limit_in_bytes" ] ||
			echo $((64 << 20)) >"$LIMITED/memory.memsw.limit_in_bytes"
	fi
	# 06 stays in the caller's cgroup: the hog meets its limit
	run bash -c 'echo "$BASHPID" >"$1/cgroup.procs" && exec "${@:2}"' _ "$LIMITED" \
		./bin/06-private-mnt busybox /bin/sh -c "$hog"
	[ "$status" -eq 137 ]
	# 07 moves the container to nutshell/<pid> at the top: no limit there
	run bash -c 'echo "$BASHPID" >"$1/cgroup.procs" && exec "${@:2}"' _ "$LIMITED" \
		./bin/07-cgroup busybox /bin/sh -c "$hog"
	[ "$status" -eq 0 ]
	[ "$output" = survived ]
	# and with -m, the limit is the one asked for
	run bash -c 'echo "$BASHPID" >"$1/cgroup.procs" && exec "${@:2}"' _ "$LIMITED" \
		./bin/07-cgroup -m 32m busybox /bin/sh -c "$hog"
	[ "$status" -eq 137 ]
}

@test "bad options: one line each, 125, and nothing created" {
	local bad
	for bad in "-m abc" "-m 1x" "-m 1k" "--cpus -1" "--cpus 0.001" "--cpus 1000" \
		"--pids-limit -2" "--pids-limit 1.5" "--no-such-option" "-x" "--help=x" "-m"; do
		# shellcheck disable=SC2086 # split the option from its value
		run ./bin/07-cgroup $bad busybox /bin/true
		[ "$status" -eq 125 ]
		[ "${#lines[@]}" -eq 1 ]
	done
	# a bad unit is a bad size, not a small one
	run ./bin/07-cgroup -m 1x busybox /bin/true
	[[ $output == *"--memory \`1x\`: not a size"* ]]
	# and the teardown checks that no cgroup is left
}

@test "-m 0, --cpus 0 and --pids-limit 0 or -1 are no limit, as in docker" {
	local limits
	for limits in "-m 0 --cpus 0 --pids-limit 0" "--pids-limit -1"; do
		# shellcheck disable=SC2086 # split the options from their values
		start_container ./bin/07-cgroup $limits busybox /bin/sleep 30
		local mem cpu pids
		mem=$(cgroup_dir "$CONTAINER_PID" memory)
		cpu=$(cgroup_dir "$CONTAINER_PID" cpu)
		pids=$(cgroup_dir "$CONTAINER_PID" pids)
		[[ $pids == */nutshell/"$RUNTIME_PID" ]]
		[ "$(cat "$pids/pids.max")" = max ]
		if cgroup_is_v2; then
			[ "$(cat "$mem/memory.max")" = max ]
			[ "$(cat "$cpu/cpu.max")" = "max 100000" ]
		else
			# v1 shows "no limit" as the largest page-aligned size, -1
			[ "$(cat "$mem/memory.limit_in_bytes")" -gt $((1 << 50)) ]
			[ "$(cat "$cpu/cpu.cfs_quota_us")" = -1 ]
		fi
		kill -KILL "$CONTAINER_PID"
		wait_runtime
	done
}

# shellcheck disable=SC2154 # stderr and stderr_lines: set by bats' run
@test "-h and --help: the usage on stdout, exit 0; a usage error: one line on stderr" {
	local opt
	for opt in -h --help; do
		run --separate-stderr ./bin/07-cgroup "$opt"
		[ "$status" -eq 0 ]
		[ -z "$stderr" ]
		[[ ${lines[0]} == "usage: 07-cgroup "* ]]
		[[ $output == *--pids-limit* ]]
	done
	run --separate-stderr ./bin/07-cgroup busybox
	[ "$status" -eq 125 ]
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
}

@test "without root: one line that says so, and 125" {
	assert_needs_root ./bin/07-cgroup busybox
}

@test "bad input: usage, a missing image, not a directory, a directory named without a slash" {
	assert_bad_rootfs_input ./bin/07-cgroup
}

@test "make diff STEP=07 shows the cgroup" {
	run make diff STEP=07
	[ "$status" -eq 0 ]
	[[ $output == *"+	return st.f_type == CGROUP2_SUPER_MAGIC;"* ]]
}

@test "without a cgroup namespace (06) the container sees the host's cgroup paths" {
	run ./bin/06-private-mnt busybox cat /proc/self/cgroup
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat /proc/self/cgroup)" ]
}

# shellcheck disable=SC2086 # the chapter's commands, as a learner types them
@test "Try it: the container's cgroup found from /proc/PID/cgroup, its limits in the files, gone after the run" {
	# the shell of the chapter, reading its commands from a fifo
	mkfifo "$BATS_TEST_TMPDIR/stdin"
	exec 5<>"$BATS_TEST_TMPDIR/stdin"
	./bin/07-cgroup -m 32m --pids-limit 20 --cpus 0.5 busybox /bin/sh <&5 \
		>"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	RUNTIME_PID=$!
	await_container
	local runtime _
	# the chapter's commands, in a second terminal; the newest runtime is
	# ours unless another suite on this host started one since: retry
	for _ in $(seq 20); do
		runtime=$(pgrep -n -x 07-cgroup)
		[ "$runtime" = "$RUNTIME_PID" ] && break
		sleep 0.1
	done
	[ "$runtime" = "$RUNTIME_PID" ]
	run cat /proc/$(pgrep -P $runtime)/cgroup
	[ "$status" -eq 0 ]
	if cgroup_is_v2; then
		[ "$output" = "0::/nutshell/$RUNTIME_PID" ]
		run cat /sys/fs/cgroup/nutshell/$runtime/memory.max /sys/fs/cgroup/nutshell/$runtime/cpu.max /sys/fs/cgroup/nutshell/$runtime/pids.max
		[ "$output" = "$(printf '33554432\n50000 100000\n20')" ]
		# the parent hands the three controllers down and holds no process
		[ "$(cat /sys/fs/cgroup/nutshell/cgroup.subtree_control)" = "cpu memory pids" ]
		[ -z "$(cat /sys/fs/cgroup/nutshell/cgroup.procs)" ]
	else
		# one line per hierarchy; those the step uses end in our cgroup
		local c
		for c in memory pids cpu; do
			grep -Eq "^[0-9]+:([a-z_]+,)*$c(,[a-z_]+)*:/nutshell/$RUNTIME_PID\$" <<<"$output"
		done
		run cat /sys/fs/cgroup/memory/nutshell/$runtime/memory.limit_in_bytes /sys/fs/cgroup/cpu/nutshell/$runtime/cpu.cfs_quota_us /sys/fs/cgroup/pids/nutshell/$runtime/pids.max
		[ "$output" = "$(printf '33554432\n50000\n20')" ]
	fi
	# "exit" in the container's shell
	echo exit >&5
	exec 5>&-
	wait_runtime
	[ "$status" -eq 0 ]
	if cgroup_is_v2; then
		run ls /sys/fs/cgroup/nutshell/$runtime
	else
		run ls /sys/fs/cgroup/pids/nutshell/$runtime
	fi
	[ "$status" -ne 0 ]
	[[ $output == *"No such file or directory"* ]]
}

@test "Try it: a fork flood meets EAGAIN at --pids-limit 20 and the shell gives up" {
	run ./bin/07-cgroup --pids-limit 20 busybox /bin/sh -c 'for i in $(seq 30); do sleep 5 & done; wait'
	[ "$status" -eq 2 ]
	[[ $output == *"Resource temporarily unavailable"* ]] # strerror(EAGAIN)
}

@test "Try it: under --cpus 0.2 a counting loop gets about a fifth of the wall time" {
	run ./bin/07-cgroup --cpus 0.2 busybox /bin/sh -c 'time sh -c "i=0; while [ \$i -lt 300000 ]; do i=\$((i+1)); done"'
	[ "$status" -eq 0 ]
	# busybox time prints "real\t0m 1.88s", "user\t...", "sys\t..."
	local real cpu
	real=$(awk '$1 == "real" { sub("s", "", $3); print $2 * 60000 + $3 * 1000 }' <<<"$output")
	cpu=$(awk '$1 == "user" || $1 == "sys" { sub("s", "", $3); t += $2 * 60000 + $3 * 1000 } END { print t }' <<<"$output")
	echo "real ${real} ms, cpu ${cpu} ms" >&2
	[ "${real%.*}" -gt 0 ]
	# the quota is 0.2; generous: at most 0.35
	[ $((${cpu%.*} * 100)) -le $((${real%.*} * 35)) ]
}

@test "Try it: -m abc is refused with 125 and one line" {
	run ./bin/07-cgroup -m abc busybox /bin/true
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == *"\`abc\`"* ]]
}

# The properties this step brings and those it carries from earlier
# steps: one shared helper each (helpers.bash), run against this step,
# so that a bug in this step's copy of a lesson fails here
# (tests/mutants.bats shows that each helper catches one).

@test "carried from 02: a script without \"#!\" and 150000 arguments runs: the stack fits them" {
	copy_image "$BATS_TEST_TMPDIR/rootfs"
	assert_big_argv ./bin/07-cgroup "$BATS_TEST_TMPDIR/rootfs"
}

@test "carried from 03: \"/\" and the working directory are the image" {
	assert_root_is_image ./bin/07-cgroup busybox
}

@test "carried from 04: /proc is a proc mount, nosuid, nodev, noexec" {
	assert_proc_mounted ./bin/07-cgroup busybox
}

@test "carried from 04: SIGTERM and SIGHUP are passed on; the runtime exits as the command did" {
	assert_forwards_signals ./bin/07-cgroup busybox
}

@test "carried from 05: its own IPC, mount, network, PID and UTS namespaces" {
	assert_own_namespaces "cgroup ipc mnt net pid uts" ./bin/07-cgroup busybox
}

@test "carried from 05: PID 1, and a hostname of its own" {
	assert_pid1_and_hostname ./bin/07-cgroup busybox
}

@test "carried from 06: under a shared /, a mount made inside stays inside" {
	assert_mounts_stay_inside ./bin/07-cgroup busybox
}

@test "carried from 06: pivot_root: the chroot escape finds no way out" {
	assert_no_chroot_escape ./bin/07-cgroup
}

@test "carried from 06: its own private mounts: /proc, read-only /sys, a /dev with its nodes" {
	assert_standard_mounts ./bin/07-cgroup busybox
}

@test "carried from 06: the image is left exactly as it was" {
	assert_image_unchanged ./bin/07-cgroup busybox
}

@test "property of 07: a cgroup of its own, with every limit asked for" {
	assert_cgroup_limits ./bin/07-cgroup
}

@test "property of 07: in its cgroup before it runs anything: the order of system calls" {
	assert_cgroup_before_exec ./bin/07-cgroup
}

@test "property of 07: no memory controller in the cgroup tree: 125, the kernel's ENOENT, a hint; nothing left" {
	assert_missing_controller ./bin/07-cgroup
}

@test "property of 07: its cgroup namespace shows its own cgroup as /" {
	assert_cgroupns_root ./bin/07-cgroup busybox
}

@test "property of 07: a run in another PID namespace takes no cgroup for stale, and names its own after its namespace too" {
	assert_sweeps_only_what_it_sees ./bin/07-cgroup
}

@test "property of 07: a runtime killed with SIGKILL takes its container along" {
	assert_dies_with_runtime ./bin/07-cgroup
}

@test "known gap: a directory descriptor inherited by the runtime leads to the host's files" {
	assert_inherited_fd_reaches_host ./bin/07-cgroup busybox
}
