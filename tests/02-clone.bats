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
	# the one function of common/ that 02 calls first, declared in the
	# module 01 had already
	[[ $output == *$'\nvoid *alloc_stack(size_t size);'* ]]
	[[ $output != *'+++ common/'* ]]
}

@test "strace: clone() gets our stack and only SIGCHLD as flags" {
	requires strace
	run strace -f -q -e trace=clone,execve,wait4 ./bin/02-clone /bin/true
	[ "$status" -eq 0 ]
	# (strace splits the call when the child runs before it returns)
	[[ $output =~ clone\(child_stack=0x[0-9a-f]+,\ flags=SIGCHLD(\)|\ \<unfinished) ]]
	[[ $output == *'execve("/bin/true"'* ]]
}

@test "the stack is a 1 MiB private anonymous mapping in the runtime, barely touched, a guard page below" {
	./bin/02-clone sleep 30 &
	local runtime=$! child='' _
	# wait until the child has exec'd sleep
	for _ in $(seq 100); do
		child=$(cat "/proc/$runtime/task/$runtime/children" 2>/dev/null) || true
		child=${child%% *}
		[ -n "$child" ] && [ "$(readlink "/proc/$child/exe")" != "$(readlink "/proc/$runtime/exe")" ] && break
		sleep 0.05
	done
	# the chapter's command; $! is the runtime
	output=$(pmap -x $! | grep anon)
	kill "$child" || kill "$runtime"
	wait "$runtime" || true
	echo "$output" >&2
	# "ADDRESS KBYTES RSS DIRTY MODE [ anon ]": one of them is the stack, at
	# least 1 MiB (the kernel may merge it with a small anonymous neighbour:
	# 6.1 does), of which only what the parent wrote is resident
	awk '$2 >= 1024 && $2 < 1024 + 256 && $3 < 64 && $5 == "rw---" { found = 1 }
		END { exit !found }' <<<"$output"
	# right below it (pmap lists by address), one page nobody may touch:
	# the guard page
	awk '$2 >= 1024 && $2 < 1024 + 256 && $5 == "rw---" &&
		prev_kb == 4 && prev_mode == "-----" { found = 1 }
		{ prev_kb = $2; prev_mode = $5 } END { exit !found }' <<<"$output"
}

# Build a copy of steps/02-clone.c changed by a sed expression.
build_variant() { # NAME SED-EXPRESSION
	sed "$2" steps/02-clone.c >"$BATS_TEST_TMPDIR/$1.c"
	if cmp -s steps/02-clone.c "$BATS_TEST_TMPDIR/$1.c"; then
		echo "build_variant: '$2' changed nothing" >&2
		return 1
	fi
	cc -std=gnu11 -O2 -iquote "$REPO/steps" -o "$BATS_TEST_TMPDIR/$1" \
		"$BATS_TEST_TMPDIR/$1.c" common/*.c
}

@test "a 4 KiB stack: enough to exec, too small to report a failed exec (SIGSEGV)" {
	build_variant small 's/^#define STACK_SIZE(argc) .*/#define STACK_SIZE(argc) 4096/'
	run "$BATS_TEST_TMPDIR/small" true
	[ "$status" -eq 0 ]
	# 127 and a message with 1 MiB; with 4 KiB the child dies silently
	run "$BATS_TEST_TMPDIR/small" no-such-command
	[ "$status" -eq 139 ]
	[ -z "$output" ]
}

@test "without SIGCHLD in the flags, waitpid() sees no child: ECHILD and 125" {
	build_variant nosigchld 's/^static const int clone_flags = SIGCHLD;/static const int clone_flags = 0;/'
	# a child that never execs keeps exit signal 0: waitpid() without
	# __WCLONE does not wait for it (wait(2))
	run "$BATS_TEST_TMPDIR/nosigchld" no-such-command
	[ "$status" -eq 125 ]
	[[ $output == *"waitpid "* ]]
}

@test "passing the bottom of the stack instead of the top: SIGSEGV at once" {
	build_variant bottom 's/pid = clone(child, stack, /pid = clone(child, stack - STACK_SIZE(argc), /'
	run -139 "$BATS_TEST_TMPDIR/bottom" true
	[ "$status" -eq 139 ]
}

# The properties this step brings and those it carries from earlier
# steps: one shared helper each (helpers.bash), run against this step,
# so that a bug in this step's copy of a lesson fails here
# (tests/mutants.bats shows that each helper catches one).

@test "property of 02: a script without \"#!\" and 150000 arguments runs: the stack fits them" {
	assert_big_argv ./bin/02-clone
}

@test "the clone stack's top is 1 MiB and argc + 2 pointers above a page boundary" {
	requires strace
	# ./bin/02-clone /bin/true: argc 2, so 32 bytes; the wrapper's 16
	# bytes below the top leave child_stack at ...010
	run strace -q -e trace=clone ./bin/02-clone /bin/true
	[[ $output =~ clone\(child_stack=0x[0-9a-f]*010, ]]
	run strace -q -e trace=clone ./bin/02-clone /bin/true a b c d
	[[ $output =~ clone\(child_stack=0x[0-9a-f]*030, ]] # argc 6: 64 bytes
}
