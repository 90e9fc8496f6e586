#!/usr/bin/env bats
# common/: the plumbing every step shares. Each helper is called through
# tests/common-test.c, which prints what it returned: a value, or the errno
# name when it failed.
load helpers

setup_file() {
	cc -std=gnu11 -Wall -Wextra -Werror -O2 -o "$BATS_FILE_TMPDIR/common-test" \
		"$BATS_TEST_DIRNAME/common-test.c" "$BATS_TEST_DIRNAME/../common/common.c"
}
setup() { common_setup; }
teardown() { common_teardown; }

# expect HELPER EXTRA -- INPUT RESULT INPUT RESULT ...: every INPUT gives RESULT
expect() {
	local helper=$1 extra=$2 bad=0
	shift 3
	while [ $# -gt 0 ]; do
		run "$BATS_FILE_TMPDIR/common-test" "$helper" "$1" ${extra:+"$extra"}
		if [ "$output" != "$2" ]; then
			echo "$helper '$1': expected '$2', got '$output'"
			bad=1
		fi
		shift 2
	done
	[ "$bad" -eq 0 ]
}

@test "parse_size: docker's sizes, powers of 1024, an optional b" {
	expect size "" -- 64m 67108864 64M 67108864 1g 1073741824 512kb 524288 \
		1048576 1048576 1B 1 0 0 9223372036854775807 9223372036854775807
}

@test "parse_size: no sign, no space, no unknown unit, no overflow" {
	expect size "" -- 1x EINVAL -1 EINVAL +1 EINVAL " 1" EINVAL "1 " EINVAL \
		m EINVAL "" EINVAL 1.5g EINVAL 1mm EINVAL \
		8589934592g ERANGE 99999999999999999999 ERANGE
}

@test "parse_count: whole numbers, negative ones too; nothing else" {
	expect count "" -- 20 20 0 0 -1 -1 007 7 \
		1.5 EINVAL - EINVAL "" EINVAL 1k EINVAL --1 EINVAL \
		99999999999999999999 ERANGE
}

@test "parse_decimal: exact fixed point, rounded to the nearest unit" {
	expect decimal 100000 -- 0.5 50000 1 100000 1.25 125000 0.29 29000 \
		0.001 100 0.000004 0 0.000005 1 2.0000000005 200000 \
		.5 EINVAL 1. EINVAL 1.5x EINVAL -1 EINVAL "" EINVAL \
		99999999999999 ERANGE
}

@test "alloc_stack: the whole size is usable, the page below it faults" {
	# SIZE OFFSET-below-the-top: the lowest byte, then one byte lower
	run "$BATS_FILE_TMPDIR/common-test" stack 65536 65536
	[ "$output" = ok ]
	run "$BATS_FILE_TMPDIR/common-test" stack 65536 65537
	[ "$output" = "signal 11" ]
	run "$BATS_FILE_TMPDIR/common-test" stack 65536 $((65536 + 4096))
	[ "$output" = "signal 11" ]
	# a size that is not a whole number of pages: the top is the bottom
	# plus the size, and the guard page is right below the bottom
	run "$BATS_FILE_TMPDIR/common-test" stack 100 100
	[ "$output" = ok ]
	run "$BATS_FILE_TMPDIR/common-test" stack 100 101
	[ "$output" = "signal 11" ]
}

@test "write_file writes an existing file, ensure_dir accepts a directory" {
	local f=$BATS_TEST_TMPDIR/f
	: >"$f"
	expect write abc -- "$f" 0 "$BATS_TEST_TMPDIR/none/x" ENOENT
	[ "$(cat "$f")" = abc ]
	expect dir "" -- "$BATS_TEST_TMPDIR" 0 "$BATS_TEST_TMPDIR/new" 0 "$f" ENOTDIR
	[ -d "$BATS_TEST_TMPDIR/new" ]
}

@test "systemf gives the command's status, 128+N for a signal" {
	expect systemf "" -- "exit 3" 3 true 0 'kill -TERM $$' 143
}

@test "sync_wait returns once released, EPIPE when the other end just closed" {
	expect sync "" -- release 0 exit EPIPE
}

@test "wait_child gives the exit status, or 128+N for signal N" {
	expect wait "" -- "exit 7" 7 'kill -KILL $$' 137 'kill -PIPE $$' 141
}

@test "parse_cidr: an IPv4 network and its prefix, nothing after the prefix" {
	expect cidr "" -- 10.219.0.0/16 "10.219.0.0 16" 192.168.7.0/24 "192.168.7.0 24" \
		10.219.0.1/16 EINVAL 10.219.0.0 EINVAL 10.219.0.0/7 EINVAL \
		10.219.0.0/31 EINVAL 10.219.0/16 EINVAL 10.219.0.0/16x EINVAL "" EINVAL
}

@test "parse_ports: docker's HOSTPORT:PORT, /tcp or /udp" {
	expect ports "" -- 8080:80 "8080 80 tcp" 53:53/udp "53 53 udp" 1:65535/tcp "1 65535 tcp" \
		0:80 EINVAL 80:65536 EINVAL 8080 EINVAL 8080:80/sctp EINVAL \
		:80 EINVAL 8080: EINVAL -1:80 EINVAL a:b EINVAL
}

@test "getenv_or, pathf, create_file" {
	NUTSHELL_SET=value expect getenv fallback -- NUTSHELL_SET value NUTSHELL_UNSET fallback
	NUTSHELL_EMPTY='' expect getenv fallback -- NUTSHELL_EMPTY fallback
	expect path "" -- a a/a "$(printf 'x%.0s' $(seq 3000))" ENAMETOOLONG
	local f=$BATS_TEST_TMPDIR/new
	expect create abc -- "$f" 0 "$BATS_TEST_TMPDIR/none/x" ENOENT
	[ "$(cat "$f")" = abc ]
	[ "$(stat -c %a "$f")" = 600 ]
	expect create xy -- "$f" 0 # truncates
	[ "$(cat "$f")" = xy ]
}

@test "lock_file: one holder at a time, free again once it is gone" {
	local f=$BATS_TEST_TMPDIR/lock ct=$BATS_FILE_TMPDIR/common-test
	# held: a second locker gets EWOULDBLOCK (EAGAIN), and runs nothing
	run "$ct" lock "$f" "$ct lock $f true"
	[ "$output" = "$(printf 'EAGAIN\n1')" ]
	# free again once the holder is gone
	run "$ct" lock "$f" true
	[ "$output" = 0 ]
}

# shellcheck disable=SC2016 # $ in single quotes must reach the program as it is
@test "runv: no shell, the status of the program, 127 when there is none" {
	expect runv "" -- true 0 false 1 no-such-program 127
	run "$BATS_FILE_TMPDIR/common-test" runv sh -c 'echo "$1"' _ '$(not run) ; *'
	[ "$output" = "$(printf '%s\n0' '$(not run) ; *')" ]
}

@test "nl_send: the kernel's answer, or its error as errno; E2BIG when full" {
	requires root
	local ct=$BATS_FILE_TMPDIR/common-test
	# in a network namespace of the test's own: lo (index 1) comes up
	run unshare -n sh -c "$ct link-up 1 lo && ip -o link show lo"
	[ "${lines[0]}" = 0 ]
	[[ ${lines[1]} == *"<LOOPBACK,UP,"* ]]
	run unshare -n "$ct" link-up 9999 x
	[ "$output" = ENODEV ]
	run unshare -n "$ct" link-up 1
	[ "$output" = E2BIG ]
}
