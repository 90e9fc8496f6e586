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
