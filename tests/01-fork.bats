#!/usr/bin/env bats
# 01-fork: a command runs as a child and its fate becomes our exit status.
load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "make step-01 builds the program" {
	run make step-01
	[ "$status" -eq 0 ]
	[ -x bin/01-fork ]
}

@test "stdout and stdin pass through to the command" {
	assert_stdio_passes ./bin/01-fork
}

@test "the command's exit status is ours; 127 not found, 126 not executable" {
	assert_exit_codes ./bin/01-fork
}

@test "the Try-it command prints the child's pid and exits 3" {
	run ./bin/01-fork /bin/sh -c 'echo "child $$"; exit 3'
	[ "$status" -eq 3 ]
	[[ $output =~ ^child\ [0-9]+$ ]]
}

@test "a command killed by signal N gives 128+N" {
	run ./bin/01-fork /bin/sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
	run ./bin/01-fork /bin/sh -c 'kill -KILL $$'
	[ "$status" -eq 137 ]
}

@test "not found and not executable, as in the docs" {
	run -127 ./bin/01-fork no-such-command
	[ "$status" -eq 127 ]
	run ./bin/01-fork /etc/passwd
	[ "$status" -eq 126 ]
}

@test "the command runs in a child: its parent is the runtime, not the shell" {
	run bash -c './bin/01-fork sh -c "echo \$PPID" & echo "runtime $!"; wait'
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "runtime ${lines[0]}" ] || [ "${lines[0]}" = "runtime ${lines[1]}" ]
}

@test "output printed before the fork is not duplicated under a pipe" {
	assert_no_duplicate_output ./bin/01-fork
}

@test "no arguments: usage and 125" {
	run ./bin/01-fork
	[ "$status" -eq 125 ]
	[[ $output == *usage* ]]
}

@test "a pipeline's SIGPIPE comes back as 141 (128 + 13)" {
	run bash -c './bin/01-fork yes | head -n 1; echo "${PIPESTATUS[0]}"'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = y ]
	[ "${lines[1]}" = 141 ]
}

@test "strace: fork() is the clone system call with SIGCHLD, then execve and wait4" {
	requires strace
	run strace -f -q -e trace=clone,execve,wait4 ./bin/01-fork /bin/true
	[ "$status" -eq 0 ]
	# the parent's fork(): no stack of its own (a copy of ours), SIGCHLD
	[[ $output =~ clone\(child_stack=NULL,\ flags=[A-Z_|]*SIGCHLD ]]
	# the child execs the command; the parent waits for that pid
	[[ $output =~ \[pid\ +([0-9]+)\]\ execve\(\"/bin/true\" ]]
	[[ $output == *"wait4(${BASH_REMATCH[1]}, "* ]]
}

@test "the preprint demonstration: once with fflush(stdout), twice without" {
	# the chapter's commands, with mktemp making its directory in ours
	export TMPDIR=$BATS_TEST_TMPDIR
	tmp=$(mktemp -d)
	export tmp
	cc -shared -fPIC -o "$tmp/preprint.so" tests/preprint.c
	run bash -c 'LD_PRELOAD="$tmp/preprint.so" ./bin/01-fork no-such-command 2>/dev/null | cat'
	[ "$output" = printed-before-fork ]
	sed '/fflush(stdout);/d' steps/01-fork.c >"$tmp/01-noflush.c"
	run grep -c 'fflush(stdout);' "$tmp/01-noflush.c"
	[ "$output" = 0 ]
	cc -iquote steps -o "$tmp/01-noflush" "$tmp/01-noflush.c" common/*.c
	run bash -c 'LD_PRELOAD="$tmp/preprint.so" "$tmp/01-noflush" no-such-command 2>/dev/null | cat'
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[0]}" = printed-before-fork ]
	[ "${lines[1]}" = printed-before-fork ]
	# the preloaded library runs again in a command that does exec, so the
	# demonstration uses a command that cannot be found
	run bash -c 'LD_PRELOAD="$tmp/preprint.so" ./bin/01-fork true | cat'
	[ "${#lines[@]}" -eq 2 ]
	rm -r "$tmp"
}
