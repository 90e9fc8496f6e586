#!/usr/bin/env bats
# 02-clone: the same contract as 01, with the child made by clone(2).
load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "make step-02 builds the program" {
	run make step-02
	[ "$status" -eq 0 ]
	[ -x bin/02-clone ]
}

@test "stdout and stdin pass through to the command" {
	assert_stdio_passes ./bin/02-clone
}

@test "the command's exit status is ours; 127 not found, 126 not executable" {
	assert_exit_codes ./bin/02-clone
}

@test "the Try-it command prints the child's pid and exits 3" {
	run ./bin/02-clone /bin/sh -c 'echo "child $$"; exit 3'
	[ "$status" -eq 3 ]
	[[ $output =~ ^child\ [0-9]+$ ]]
}

@test "a command killed by signal N gives 128+N" {
	run ./bin/02-clone /bin/sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
}

@test "output printed before the clone is not duplicated under a pipe" {
	assert_no_duplicate_output ./bin/02-clone
}

@test "make diff STEP=02 shows fork replaced by clone" {
	run make diff STEP=02
	[ "$status" -eq 0 ]
	[[ $output == *"-	pid = fork();"* ]]
	[[ $output == *"+	pid = clone(child, stack, clone_flags, &cfg);"* ]]
}
