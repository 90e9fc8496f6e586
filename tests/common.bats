#!/usr/bin/env bats
# common/: the plumbing every step shares. Each helper is called through
# tests/common-test.c, which prints what it returned: a value, or the errno
# name when it failed.
load helpers

setup_file() {
	cc -std=gnu11 -Wall -Wextra -Werror -O2 -o "$BATS_FILE_TMPDIR/common-test" \
		"$BATS_TEST_DIRNAME/common-test.c" "$BATS_TEST_DIRNAME"/../common/*.c
}
setup() {
	TEST_MOUNTS=()
	# the store's tests make containers here
	export NUTSHELL_CONTAINERS=$BATS_TEST_TMPDIR/containers
	common_setup
}
# What a test mounted is unmounted here too, newest first, when the test
# failed before it could unmount it.
teardown() {
	local m
	for m in "${TEST_MOUNTS[@]}"; do
		if mountpoint -q "$m"; then
			umount "$m" || true
		fi
	done
	common_teardown
}

# mount ARG... TARGET, for the teardown to unmount if the test does not.
mount_for_test() {
	mount "$@"
	TEST_MOUNTS=("${@: -1}" "${TEST_MOUNTS[@]}")
}

# The names in DIR, sorted, on one line: what a helper left beside a file.
entries() { # DIR
	find "$1" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | paste -sd ' '
}

# make_tar TARBALL NAME...: a tarball of one-byte files with these member
# names, exactly as given (tar itself would strip a leading / or ../).
make_tar() {
	python3 - "$@" <<-'EOF'
		import io, sys, tarfile
		with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT) as tar:
		    for name in sys.argv[2:]:
		        member = tarfile.TarInfo(name)
		        member.size = 1
		        tar.addfile(member, io.BytesIO(b"x"))
	EOF
}

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

# Does another process hold the flock(2) lock on FILE?
held() { # FILE
	! flock -n "$1" true
}

@test "lock_wait waits for the holder to let go; write_file and create_file write a long text in one write" {
	local f=$BATS_TEST_TMPDIR/lock holder long
	flock "$f" sleep 2 &
	holder=$!
	eventually held "$f"
	expect lockwait "" -- "$f" 0
	# the holder (flock(1), which calls flock(2) too) was gone by then
	run ! kill -0 "$holder"
	expect lockwait "" -- "$BATS_TEST_TMPDIR/none/lock" ENOENT
	# more than the 4096 bytes the writers once had room for
	long=$(printf 'x%.0s' $(seq 10000))
	expect create "$long" -- "$BATS_TEST_TMPDIR/long" 0
	[ "$(cat "$BATS_TEST_TMPDIR/long")" = "$long" ]
	strace -f -e trace=write -o "$BATS_TEST_TMPDIR/st" \
		"$BATS_FILE_TMPDIR/common-test" write "$BATS_TEST_TMPDIR/long" "$long"
	[ "$(grep -c 'write([0-9]*, "xx' "$BATS_TEST_TMPDIR/st")" -eq 1 ]
	[ "$(cat "$BATS_TEST_TMPDIR/long")" = "$long" ]
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

@test "random_hex: n lowercase hexadecimal digits, new ones every time" {
	local ct=$BATS_FILE_TMPDIR/common-test first all='' _
	run "$ct" hex 12
	[[ $output =~ ^[0-9a-f]{12}$ ]]
	first=$output
	run "$ct" hex 12
	[[ $output =~ ^[0-9a-f]{12}$ ]]
	[ "$output" != "$first" ]
	run "$ct" hex 1
	[[ $output =~ ^[0-9a-f]$ ]]
	expect hex "" -- 0 ""
	# every digit turns up in 1200 of them (all but certain: 16 * (15/16)^1200)
	for _ in $(seq 10); do
		run "$ct" hex 120
		[[ $output =~ ^[0-9a-f]{120}$ ]]
		all+=$output
	done
	[ "$(grep -o . <<<"$all" | sort -u | tr -d '\n')" = 0123456789abcdef ]
	# more than the 120 its buffer of random bytes serves
	expect hex "" -- 121 EINVAL 128 EINVAL 1000 EINVAL
}

@test "replace_file: the new text, and no temporary file beside it" {
	local f=$BATS_TEST_TMPDIR/state
	expect replace "id=1" -- "$f" 0
	[ "$(cat "$f")" = "id=1" ]
	expect replace "id=2" -- "$f" 0
	[ "$(cat "$f")" = "id=2" ]
	[ "$(entries "$BATS_TEST_TMPDIR")" = state ]
	# failures: no directory to write in (ENOENT); a directory in the way,
	# which rename(2) will not replace (EISDIR): the temporary file goes
	expect replace x -- "$BATS_TEST_TMPDIR/none/state" ENOENT
	mkdir -p "$BATS_TEST_TMPDIR/dir/sub"
	expect replace x -- "$BATS_TEST_TMPDIR/dir" EISDIR
	[ "$(entries "$BATS_TEST_TMPDIR")" = "dir state" ]
	[ "$(entries "$BATS_TEST_TMPDIR/dir")" = sub ]
}

@test "replace_file: a reader sees the old file or the new one, never part of one" {
	local ct=$BATS_FILE_TMPDIR/common-test f=$BATS_TEST_TMPDIR/state
	local a b text writer bad=0 _
	a=$(printf 'a%.0s' $(seq 4000))
	b=$(printf 'b%.0s' $(seq 4000))
	"$ct" replace "$f" "$a"
	# 200 replacements in the background while this reads it 200 times;
	# written in place, a reader would catch it empty or half written
	for _ in $(seq 100); do
		"$ct" replace "$f" "$b" && "$ct" replace "$f" "$a"
	done >/dev/null 3>&- &
	writer=$!
	for _ in $(seq 200); do
		text=$(<"$f")
		if [ "$text" != "$a" ] && [ "$text" != "$b" ]; then
			echo "read ${#text} bytes: ${text:0:20}..."
			bad=$((bad + 1))
		fi
	done
	wait "$writer"
	[ "$bad" -eq 0 ]
	[ "$(cat "$f")" = "$a" ]
	[ "$(entries "$BATS_TEST_TMPDIR")" = state ]
}

@test "read_key: the value of KEY=, whole; not of a key KEY only begins" {
	local f=$BATS_TEST_TMPDIR/state
	printf '%s\n' idx=1 id=2 opts=a=b=c empty= >"$f"
	expect key "$f" -- id 2 idx 1 opts a=b=c empty "" last ENODATA \
		i ENODATA id= ENODATA ids ENODATA "" ENODATA
	printf '%s\n' idx=1 >"$f"
	expect key "$f" -- id ENODATA
	expect key "$BATS_TEST_TMPDIR/none" -- id ENOENT
}

@test "read_key: only known keys, each once, whole lines, well escaped; else EBADMSG for every key" {
	local f=$BATS_TEST_TMPDIR/state bad
	# (printf's %b: the escapes below are the file's bytes)
	for bad in 'forged=1\n' 'id=1\nid=2\n' 'idx=1\nid=1' 'idx\n' '=1\n' \
		'id=a\\qb\n' 'id=a\\\n' 'id=a\\x0\n' 'id=a\\x00b\n' 'id=a\\xzz\n' \
		'id=a\rb\n' 'id=a\tb\n' 'id=a\033b\n' 'idx=1\n\nid=1\n'; do
		printf '%b' "idx=1\n$bad" >"$f"
		expect key "$f" -- idx EBADMSG id EBADMSG
	done
}

@test "escape_value: any value is one line that read_key gives back as it was" {
	local ct=$BATS_FILE_TMPDIR/common-test f=$BATS_TEST_TMPDIR/state value escaped
	for value in $'a\nid=2' $'\r\t\\' $'x\\n' $'\x01\x1b[2J\x7f' 'x=y=z' \
		$'\xff\xfe not UTF-8' "$(printf 'long%.0s' $(seq 1500))"; do
		escaped=$("$ct" escape "$value")
		printf 'idx=1\nvalue=%s\nid=2\n' "$escaped" >"$f"
		[ "$(wc -l <"$f")" -eq 3 ]
		run "$ct" key value "$f" 8192
		[ "$output" = "$value" ]
		expect key "$f" -- idx 1 id 2
	done
	expect escape "" -- $'a\nb' 'a\nb' "\\" "\\\\" $'\x01' '\x01' $'\t\r' '\t\r' é é
}

@test "read_key: ERANGE for a value longer than its buffer, however long" {
	local ct=$BATS_FILE_TMPDIR/common-test f=$BATS_TEST_TMPDIR/state long
	printf '%s\n' "last=no newline" >"$f"
	# SIZE bytes: the value and its NUL
	run "$ct" key last "$f" 11
	[ "$output" = "no newline" ]
	run "$ct" key last "$f" 10
	[ "$output" = ERANGE ]
	# longer than any line buffer: too long for the 4096 bytes given, not
	# cut short; and no part of a long line counts as a line of its own
	long=$(printf 'a%.0s' $(seq 5000))
	printf '%s\n' "big=$long" "note=${long:0:4090}id=forged" id=1 >"$f"
	expect key "$f" -- big ERANGE id 1
}

@test "remove_tree: files, nested directories and symlinks, never followed" {
	local d=$BATS_TEST_TMPDIR/tree out=$BATS_TEST_TMPDIR/outside
	mkdir -p "$d/a/b/c" "$d/empty" "$out/dir"
	echo x >"$d/a/b/c/f"
	echo x >"$d/a/f"
	mkfifo "$d/a/b/fifo"
	echo keep >"$out/dir/f"
	echo keep >"$out/file"
	# symlinks to a directory and a file outside, absolute and relative,
	# and one to nothing
	ln -s "$out/dir" "$d/a/to-dir"
	ln -s ../../outside/dir "$d/to-dir"
	ln -s "$out/file" "$d/a/b/to-file"
	ln -s nowhere "$d/dangling"
	expect rmtree "" -- "$d" 0
	[ ! -e "$d" ]
	[ ! -L "$d" ]
	[ "$(cat "$out/dir/f" "$out/file")" = "$(printf 'keep\nkeep')" ]
	# PATH a symlink itself: the link goes, not what it points to
	ln -s "$out" "$BATS_TEST_TMPDIR/link"
	expect rmtree "" -- "$BATS_TEST_TMPDIR/link" 0
	[ ! -L "$BATS_TEST_TMPDIR/link" ]
	[ "$(cat "$out/dir/f")" = keep ]
}

@test "remove_tree: 1500 levels deep with 16 descriptors; what it removes last, it removes last" {
	requires root
	local ct=$BATS_FILE_TMPDIR/common-test d=$BATS_TEST_TMPDIR/deep c=$BATS_TEST_TMPDIR/c
	# one mkdir: 3000 characters fit PATH_MAX
	mkdir -p "$d/$(printf 'd/%.0s' $(seq 1500))"
	touch "$d/d/d/f" "$d/$(printf 'd/%.0s' $(seq 1499))f"
	run bash -c 'ulimit -n 16 && exec "$@"' _ "$ct" rmtree "$d"
	[ "$output" = 0 ]
	[ ! -e "$d" ]
	# remove_tree_last: a failure before the end leaves the last one
	mkdir -p "$c/a/b" "$c/m"
	touch "$c/state" "$c/a/b/f" "$c/z"
	mount_for_test -t tmpfs nutshell-test "$c/m"
	expect rmlast "$c" -- state EBUSY
	[ "$(entries "$c")" = "m state" ]
	umount "$c/m"
	expect rmlast "$c" -- state 0
	[ ! -e "$c" ]
}

@test "remove_tree: a mount point below is not entered (EBUSY), the rest goes" {
	requires root
	local d=$BATS_TEST_TMPDIR/tree src=$BATS_TEST_TMPDIR/bind-source
	mkdir -p "$d/a/tmpfs" "$d/b/bind" "$d/c" "$src"
	echo x >"$d/c/f"
	echo x >"$d/z"
	# a tmpfs, and a bind mount from the tree's own filesystem (the same
	# st_dev as its parent)
	mount_for_test -t tmpfs nutshell-test "$d/a/tmpfs"
	echo keep >"$d/a/tmpfs/f"
	echo keep >"$src/f"
	mount_for_test --bind "$src" "$d/b/bind"
	expect rmtree "" -- "$d" EBUSY
	[ "$(cat "$d/a/tmpfs/f")" = keep ]
	[ "$(cat "$src/f")" = keep ]
	[ ! -e "$d/c" ]
	[ ! -e "$d/z" ]
	# unmounted, the tree goes; the bind mount's source stays whole
	umount "$d/a/tmpfs"
	umount "$d/b/bind"
	expect rmtree "" -- "$d" 0
	[ ! -e "$d" ]
	[ "$(cat "$src/f")" = keep ]
}

@test "open_in_root: symlinks and .. stay inside the root; make_dirs_in follows no symlink" {
	local root=$BATS_TEST_TMPDIR/root out=$BATS_TEST_TMPDIR/out
	mkdir -p "$root/etc" "$root$out" "$out"
	touch "$root/etc/passwd"
	ln -s "$out" "$root/abs"
	ln -s ../../../../../../.. "$root/up"
	ln -s ../etc "$root/etc/rel"
	ln -s /nowhere "$root/dangling"
	# absolute links and .. resolve as if ROOT were /
	expect inroot "$root" -- abs "$out" up "" etc/rel/passwd /etc/passwd \
		up/etc/passwd /etc/passwd dangling ENOENT ../../etc/passwd /etc/passwd
	# mkdir -p below ROOT: through no symlink, not even one inside
	expect mkdirs "$root" -- a/b/c /a/b/c etc/d /etc/d abs/x ELOOP abs ELOOP \
		etc/rel/x ELOOP etc/passwd/x ENOTDIR a/../x EINVAL "" ""
	[ -d "$root/a/b/c" ]
	[ -d "$root/etc/d" ]
	[ -z "$(ls -A "$out")" ]
	[ ! -e "$root$out/x" ]
}

@test "valid_hostname: RFC 1123's labels, 64 characters at most" {
	local l63 l64
	l63=$(printf 'a%.0s' $(seq 63))
	l64=${l63}a
	expect hostname "" -- web1 1 a.b-c.d 1 A9 1 "$l63" 1 "$l64" 0 \
		"$l63.a" 0 "" 0 -a 0 a- 0 a..b 0 a. 0 .a 0 $'a\nb' 0 a_b 0 "a b" 0 \
		$'web1\n10.0.0.1 evil' 0
}

@test "safe_member: relative names without a .. component" {
	expect member "" -- a 1 a/b 1 ./a 1 a/..b 1 ..a 1 a.. 1 a//b 1 a/./b 1 . 1 \
		/etc/passwd 0 // 0 .. 0 ../x 0 a/../../x 0 a/.. 0 a/../b 0 \
		./.. 0 a//../x 0 ../ 0 "" 0
}

@test "check_tar: a tarball of a tree passes; an unsafe member name is named" {
	local ct=$BATS_FILE_TMPDIR/common-test t=$BATS_TEST_TMPDIR
	mkdir -p "$t/tree/a/b"
	echo x >"$t/tree/a/b/f"
	# a symlink may point anywhere (images are full of absolute ones): it
	# is the names that say where tar writes
	ln -s /etc/passwd "$t/tree/a/link"
	tar -C "$t/tree" -cf "$t/good.tar" .
	expect tar "" -- "$t/good.tar" 0
	make_tar "$t/dotdot.tar" a ../evil
	make_tar "$t/absolute.tar" a /tmp/evil
	make_tar "$t/inner.tar" a a/../../evil
	make_tar "$t/both.tar" a/../../first /tmp/second
	# stderr apart: tar warns about the names too, and that is tar's
	run --separate-stderr "$ct" tar "$t/dotdot.tar"
	[ "$status" -eq 1 ]
	[ "$output" = "$(printf 'EINVAL\n../evil')" ]
	run --separate-stderr "$ct" tar "$t/absolute.tar"
	[ "$status" -eq 1 ]
	[ "$output" = "$(printf 'EINVAL\n/tmp/evil')" ]
	run --separate-stderr "$ct" tar "$t/inner.tar"
	[ "$output" = "$(printf 'EINVAL\na/../../evil')" ]
	run --separate-stderr "$ct" tar "$t/both.tar"
	[ "$output" = "$(printf 'EINVAL\na/../../first')" ]
}

@test "check_tar: a name longer than a line buffer is checked whole" {
	local ct=$BATS_FILE_TMPDIR/common-test t=$BATS_TEST_TMPDIR name
	# ././.../../evil is ../evil: its .. falls across a 4097-byte boundary
	name=$(printf './%.0s' $(seq 2048))../evil
	make_tar "$t/long.tar" "$name"
	run --separate-stderr "$ct" tar "$t/long.tar"
	[ "${lines[0]}" = EINVAL ]
	[[ ${lines[1]} == ././././* ]]
}

@test "check_tar: EIO, and what tar said, for what tar cannot read" {
	local ct=$BATS_FILE_TMPDIR/common-test t=$BATS_TEST_TMPDIR
	echo "not a tarball" >"$t/text"
	run --separate-stderr "$ct" tar "$t/text"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = EIO ]
	[[ ${lines[1]} == "tar -tf exited with "[1-9]* ]]
	run --separate-stderr "$ct" tar "$t/none.tar"
	[ "${lines[0]}" = EIO ]
}

@test "repo_path: NAME in the repository whose bin/ holds the program" {
	local repo=$BATS_TEST_TMPDIR/repo
	mkdir -p "$repo/bin" "$BATS_TEST_TMPDIR/elsewhere"
	cp "$BATS_FILE_TMPDIR/common-test" "$repo/bin/"
	repo=$(realpath "$repo")
	run "$repo/bin/common-test" repo images
	[ "$output" = "$repo/images" ]
	run "$repo/bin/common-test" repo images/busybox
	[ "$output" = "$repo/images/busybox" ]
	# from anywhere, by a symlink: the program's own place, /proc/self/exe
	ln -s "$repo/bin/common-test" "$BATS_TEST_TMPDIR/elsewhere/ct"
	run bash -c 'cd / && "$1" repo images' _ "$BATS_TEST_TMPDIR/elsewhere/ct"
	[ "$output" = "$repo/images" ]
}

@test "every hint in common/err.c matches the start of a message that steps give, in each step from the first that gives it" {
	local start found=0 seen f
	while IFS= read -r start; do
		found=$((found + 1))
		seen=0
		for f in "$BATS_TEST_DIRNAME"/../steps/*.c; do
			if grep -qF -e "die(\"$start" -e "warn(\"$start" "$f"; then
				seen=1
			elif [ "$seen" -eq 1 ]; then
				echo "${f##*/} no longer has a message starting with: $start" >&2
				return 1
			fi
		done
		[ "$seen" -eq 1 ] || { echo "no step's message starts with: $start" >&2; return 1; }
	done < <(sed -nE 's/^\t\{"([^"]*)", E[A-Z]+,.*/\1/p' "$BATS_TEST_DIRNAME/../common/err.c")
	[ "$found" -ge 5 ]
}

@test "store: names as docker's; a new container has a fresh id and a name no other has; found by id or name" {
	local ct=$BATS_FILE_TMPDIR/common-test id
	expect name "" -- web 1 a.b_c-9 1 9 1 "" 0 ../x 0 a/b 0 -x 0 .x 0 \
		"a b" 0 "$(printf 'a%.0s' $(seq 64))" 1 "$(printf 'a%.0s' $(seq 65))" 0
	id=$("$ct" new web)
	[[ $id =~ ^[0-9a-f]{12}$ ]]
	[ "$(stat -c %a "$NUTSHELL_CONTAINERS" "$NUTSHELL_CONTAINERS/$id")" = $'700\n700' ]
	# the name is taken: 125, and no second directory
	run "$ct" new web
	[ "$status" -eq 125 ]
	[ "$(find "$NUTSHELL_CONTAINERS" -mindepth 1 -maxdepth 1 -type d | wc -l)" -eq 1 ]
	# without a name, any number; each its own id
	[ "$("$ct" new "")" != "$("$ct" new "")" ]
	expect find "" -- web "$id" "$id" "$id"
	run "$ct" find nothing
	[ "$status" -eq 125 ]
	run "$ct" find ../x
	[ "$status" -eq 125 ]
}

@test "store: a running container is dead once no runtime holds its lock; unknown without a state to read" {
	local ct=$BATS_FILE_TMPDIR/common-test c holder
	c=$NUTSHELL_CONTAINERS/0123456789ab
	mkdir -p "$c"
	printf 'id=0123456789ab\nname=x\nstatus=running\n' >"$c/state"
	expect status "" -- 0123456789ab dead
	flock "$c/lock" sleep 30 &
	holder=$!
	eventually held "$c/lock"
	expect status "" -- 0123456789ab running
	# the holder and its sleep, which holds the lock too
	kill "$(child_named "$holder" sleep)" "$holder"
	wait "$holder" || true
	expect status "" -- 0123456789ab dead
	printf 'id=0123456789ab\nname=x\nstatus=exited\n' >"$c/state"
	expect status "" -- 0123456789ab exited
	printf 'id=0123456789ab\nname=x\nstatus=running\npid=1\n' >"$c/state"
	expect status "" -- 0123456789ab unknown
	rm "$c/state"
	expect status "" -- 0123456789ab unknown
}

@test "lease_take: the first address no one holds; a killed holder's record undone, its file gone; none when all are held" {
	local ct=$BATS_FILE_TMPDIR/common-test d=$BATS_TEST_TMPDIR/leases holder
	mkdir "$d"
	# .2 held by a live process, .3 left by a killed one with its ports
	flock "$d/10.0.0.2" sleep 30 &
	holder=$!
	eventually held "$d/10.0.0.2"
	printf 'tcp 8080 80\nudp 53 53\n' >"$d/10.0.0.3"
	run "$ct" lease "$d" 10.0.0.2 10.0.0.4 "tcp 1 2"$'\n'
	[ "$status" -eq 0 ]
	# the sweep undid .3's record and removed it; the take got .3, free now
	[ "$output" = "$(printf 'undo 10.0.0.3: tcp 8080 80\nudp 53 53\n10.0.0.3')" ]
	# its file holds our record (the helper let go of it when it exited)
	[ "$(cat "$d/10.0.0.3")" = "tcp 1 2" ]
	# only .2 in the range, held: none; and .2's file is untouched
	run "$ct" lease "$d" 10.0.0.2 10.0.0.2 ""
	[ "${lines[-1]}" = none ]
	[ -e "$d/10.0.0.2" ]
	kill "$(child_named "$holder" sleep)" "$holder"
	wait "$holder" || true
	# a missing directory: an error, not an address
	run "$ct" lease "$d/none" 10.0.0.2 10.0.0.2 ""
	[ "$output" = ENOENT ]
}

@test "subid_range: the user's line, by name or uid, with enough ids, above 0 and below 2^32, at most 65536 of them" {
	local ct=$BATS_FILE_TMPDIR/common-test f=$BATS_TEST_TMPDIR/subuid
	printf '%s\n' 'alice:100000:65536' 'bob:0:65536' 'bob:200000:10' \
		'bob:300000:100000' '1001:400000:65536' 'carol:4294967290:65536' \
		'dave' 'eve:500000:x' >"$f"
	run "$ct" subid "$f" alice 1000 1
	[ "$output" = "100000 65536" ]
	# 0 is never a first id; 10 ids are too few for 11; more than 65536
	# are cut to 65536
	run "$ct" subid "$f" bob 1000 11
	[ "$output" = "300000 65536" ]
	run "$ct" subid "$f" bob 1000 10
	[ "$output" = "200000 10" ]
	# by uid, as subuid(5) allows
	run "$ct" subid "$f" frank 1001 1
	[ "$output" = "400000 65536" ]
	# past 2^32, no colon, no number, no line, no file
	for user in carol dave eve nobody; do
		run "$ct" subid "$f" "$user" 9999 1
		[ "$output" = none ]
	done
	run "$ct" subid "$BATS_TEST_TMPDIR/none" alice 1000 1
	[ "$output" = none ]
}

@test "add_env and default_env: -e KEY=VALUE, -e KEY from the host or left out; a default only where -e gave none" {
	local ct=$BATS_FILE_TMPDIR/common-test
	run env NUTSHELL_X=host "$ct" env A=1 NUTSHELL_X NUTSHELL_UNSET
	[ "$output" = "$(printf 'A=1\nNUTSHELL_X=host\nPATH=/bin')" ]
	run "$ct" env PATH=/mine B==2
	[ "$output" = "$(printf 'PATH=/mine\nB==2')" ]
	run "$ct" env =x
	[ "$status" -eq 125 ]
	run "$ct" env A=1 B=2 C=3 D=4
	[ "$status" -eq 125 ]
}

@test "parse_volume: an existing host directory, made absolute; an absolute PATH without ..; :ro or :rw" {
	local ct=$BATS_FILE_TMPDIR/common-test d=$BATS_TEST_TMPDIR/vol
	mkdir "$d"
	: >"$BATS_TEST_TMPDIR/file"
	cd "$BATS_TEST_TMPDIR"
	run "$ct" volume vol:/data
	[ "$output" = "$d /data 0" ]
	run "$ct" volume "$d:/a/b:ro"
	[ "$output" = "$d /a/b 1" ]
	run "$ct" volume "$d:/data:rw"
	[ "$output" = "$d /data 0" ]
	for bad in "$d" "$d:data" "$d:/" "$d:/a/../b" "$d:/data:rx" \
		"$BATS_TEST_TMPDIR/none:/data" "$BATS_TEST_TMPDIR/file:/data"; do
		run "$ct" volume "$bad"
		[ "$status" -eq 125 ]
	done
}

@test "new_file: only the first writer makes it; read_file: a small file whole, EFBIG when it does not fit" {
	local f=$BATS_TEST_TMPDIR/once
	expect newfile first -- "$f" 0
	expect newfile second -- "$f" EEXIST
	[ "$(cat "$f")" = first ]
	[ "$(stat -c %a "$f")" = 600 ]
	# the text and its NUL must fit: 5 bytes need 6
	expect read 6 -- "$f" "5 [first]"
	expect read 5 -- "$f" EFBIG "$BATS_TEST_TMPDIR/none" ENOENT
	expect read 64 -- /proc/sys/kernel/ostype "$(printf '6 [Linux\n]')"
}

# common-test etc DIR ARG... in a mount namespace of its own, where RESOLV
# is /etc/resolv.conf and SYSTEMD (or no file, -) is systemd-resolved's
# list of the servers it forwards to.
etc_files() { # RESOLV SYSTEMD|- DIR HOSTNAME ADDRESS|- HOSTNET
	# shellcheck disable=SC2016 # for the inner sh to expand
	unshare -m sh -ec '
		mount -t tmpfs none /run
		target=$(readlink -m /etc/resolv.conf)
		mkdir -p "${target%/*}"
		touch "$target"
		mount --bind "$1" /etc/resolv.conf
		if [ "$2" != - ]; then
			mkdir -p /run/systemd/resolve
			cp "$2" /run/systemd/resolve/resolv.conf
		fi
		shift 2
		exec "$@"' sh "$1" "$2" "$BATS_FILE_TMPDIR/common-test" etc "${@:3}"
}

@test "write_etc_files: hostname; hosts with the container's name on its address; the host's nameservers, less loopback ones unless it shares the host's network" {
	local d=$BATS_TEST_TMPDIR/etc r=$BATS_TEST_TMPDIR/resolv.conf s=$BATS_TEST_TMPDIR/systemd.conf
	local localhost=$'127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback'
	mkdir "$d"
	printf 'search example\nnameserver 127.0.0.53\nnameserver 192.0.2.53\nnameserver ::1\noptions edns0\n' >"$r"
	printf 'nameserver 198.51.100.1\n' >"$s"
	run etc_files "$r" "$s" "$d" box 10.219.0.2 0
	[ "$output" = 0 ]
	[ "$(cat "$d/hostname")" = box ]
	[ "$(cat "$d/hosts")" = "$localhost"$'\n10.219.0.2\tbox' ]
	[ "$(cat "$d/resolv.conf")" = "nameserver 192.0.2.53" ]
	[ "$(entries "$d")" = "hostname hosts resolv.conf" ]
	# the host's network: its loopback resolvers serve the container too;
	# no address of its own, no line of its own
	run etc_files "$r" "$s" "$d" other - 1
	[ "$output" = 0 ]
	[ "$(cat "$d/hosts")" = "$localhost" ]
	[ "$(cat "$d/resolv.conf")" = $'nameserver 127.0.0.53\nnameserver 192.0.2.53\nnameserver ::1' ]
	# only loopback resolvers: systemd-resolved's own servers, else Google's
	printf 'nameserver 127.0.0.53\n' >"$r"
	run etc_files "$r" "$s" "$d" box 10.219.0.2 0
	[ "$(cat "$d/resolv.conf")" = "nameserver 198.51.100.1" ]
	run etc_files "$r" - "$d" box 10.219.0.2 0
	[ "$(cat "$d/resolv.conf")" = $'nameserver 8.8.8.8\nnameserver 8.8.4.4' ]
	run "$BATS_FILE_TMPDIR/common-test" etc "$BATS_TEST_TMPDIR/none" box - 0
	[ "$output" = ENOENT ]
}

@test "wipe_args: a copy of the command; /proc shows neither the other arguments nor the environment any more" {
	local ct=$BATS_FILE_TMPDIR/common-test
	run env -i SECRET=token "$ct" wipe run -e TOKEN=x busybox sh
	[ "${lines[0]}" = "run -e TOKEN=x busybox sh" ]
	[ "${lines[1]}" = "/proc/self/cmdline:$ct" ]
	[ "${lines[2]}" = "/proc/self/environ:" ]
	[ "${#lines[@]}" -eq 3 ]
}

@test "state_put: a key a line, every value escaped; state_save replaces the file whole; state_put_words joins, at most MOST bytes" {
	local f=$BATS_TEST_TMPDIR/state ct=$BATS_FILE_TMPDIR/common-test
	run "$ct" state "$f" id 1 note $'a\nidx=2' value 'back\slash'
	[ "$output" = 0 ]
	[ "$(wc -l <"$f")" -eq 3 ]
	expect key "$f" -- id 1 note $'a\nidx=2' value 'back\slash' idx ENODATA
	run "$ct" words "$f" 10 echo hello world
	[ "$output" = 0 ]
	expect key "$f" -- value "echo hello" id ENODATA
	run "$ct" words "$f" 100 echo $'two\nlines'
	expect key "$f" -- value $'echo two\nlines'
	run "$ct" state "$BATS_TEST_TMPDIR/none/state" id 1
	[ "$output" = ENOENT ]
	[ "$(entries "$BATS_TEST_TMPDIR")" = state ]
}

@test "delegated_cgroup: the topmost cgroup, up from ours, that we own; the limits' controllers it hands down" {
	local ct=$BATS_FILE_TMPDIR/common-test cg2 top=nutshell-common-$$ fake=$BATS_TEST_TMPDIR/cgroup
	cg2=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
	[ -n "$cg2" ]
	# a process of ours in <cgroup2>/TOP/b; a tree of the same names that
	# stands for the cgroup root, with TOP's subtree_control of our making
	mkdir -p "$cg2/$top/b" "$fake/$top/b"
	echo "cpu io memory pids" >"$fake/$top/cgroup.subtree_control"
	delegated() {
		sh -c 'echo $$ >"$1/cgroup.procs" && exec "$2" delegated "$3"' \
			sh "$cg2/$top/b" "$ct" "$fake"
	}
	run delegated
	local all=$output
	chown 65534 "$fake/$top" # TOP another's: ours stops at b
	run delegated
	# empty now that the helper was reaped; the kernel may take a moment
	eventually rmdir "$cg2/$top/b"
	rmdir "$cg2/$top"
	[ "$all" = "[$top] [+cpu +memory +pids ]" ]
	[ "$output" = "[$top/b] []" ]
}

@test "parse_word: the index of a word of a closed set, -1 for any other" {
	local ct=$BATS_FILE_TMPDIR/common-test
	run "$ct" word none bridge none host
	[ "$output" = 1 ]
	run "$ct" word host bridge none host
	[ "$output" = 2 ]
	run "$ct" word Bridge bridge none host
	[ "$output" = -1 ]
	run "$ct" word "" bridge none host
	[ "$output" = -1 ]
	run "$ct" word $'bridge\n' bridge none host
	[ "$output" = -1 ]
}

@test "netns_dir: STATE/net/<our network namespace's inode>; save_forwarding: the first run's value, kept" {
	local ct=$BATS_FILE_TMPDIR/common-test d=$BATS_TEST_TMPDIR/net
	run "$ct" netns /run/x
	[ "$output" = "/run/x/net/$(stat -L -c %i /proc/self/ns/net)" ]
	# another network namespace, another directory
	run unshare -n "$ct" netns /run/x
	[[ $output == /run/x/net/* ]]
	[ "$output" != "/run/x/net/$(stat -L -c %i /proc/self/ns/net)" ]
	mkdir "$d"
	run "$ct" forwarding "$d"
	[ "$output" = 0 ]
	[ "$(cat "$d/ip_forward")" = "$(cat /proc/sys/net/ipv4/ip_forward)" ]
	[ "$(stat -c %a "$d/ip_forward")" = 600 ]
	# a later run finds the record there and leaves it
	echo 7 >"$d/ip_forward"
	run "$ct" forwarding "$d"
	[ "$output" = 0 ]
	[ "$(cat "$d/ip_forward")" = 7 ]
	run "$ct" forwarding "$BATS_TEST_TMPDIR/none"
	[ "$output" = ENOENT ]
}

@test "pty_make, pty_receive, pty_relay: a command on a pty of its own, its controlling terminal in a session of its own; its output relayed; EPIPE from a closed socket" {
	local ct=$BATS_FILE_TMPDIR/common-test
	# shellcheck disable=SC2016 # for the shell on the pty to expand
	run "$ct" pty sh -c 'tty; echo "$$" "$(cut -d" " -f6 /proc/self/stat)"; exit 3'
	[ "$status" -eq 3 ]
	[[ ${lines[0]} =~ ^/dev/pts/[0-9]+$'\r'$ ]]
	# it leads its session: its pid is the session's id
	read -r pid sid <<<"${lines[1]%$'\r'}"
	[ "$pid" = "$sid" ]
	run "$ct" pty-closed -
	[ "$output" = EPIPE ]
}

@test "parse_signal: a number, or a name with or without SIG in any case; nothing else" {
	expect signal "" -- 9 9 15 15 TERM 15 SIGKILL 9 hup 1 sigusr1 10 \
		0 -1 65 -1 SIGBOGUS -1 "" -1 "TERM " -1 SIG -1
}

@test "json: valid JSON whatever the strings hold; valid UTF-8 kept, each other byte U+FFFD" {
	local ct=$BATS_FILE_TMPDIR/common-test
	run "$ct" json plain $'quote " back \\ nl \n tab \t bell \a del \x7f' $'caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x9a' \
		$'bad \xff \xc0\xaf \xed\xa0\x80 \xc3' ""
	[ "$status" -eq 0 ]
	python3 -c '
import json, sys
d = json.loads(sys.argv[1])
assert d["strings"] == ["plain", "quote \" back \\ nl \n tab \t bell \x07 del \x7f",
    "caf\u00e9 \u20ac \U0001f41a", "bad \ufffd \ufffd\ufffd \ufffd\ufffd\ufffd \ufffd", ""], d["strings"]
assert (d["n"], d["yes"], d["none"], d["empty"]) == (-42, True, None, {})
' "$output"
}

@test "human_duration: docker's words for a duration, as ps prints CREATED and STATUS" {
	expect duration "" -- 0 "Less than a second" 1 "1 second" 59 "59 seconds" 60 "About a minute" \
		119 "About a minute" 120 "2 minutes" 3599 "59 minutes" 3600 "About an hour" \
		5399 "About an hour" 5400 "2 hours" 169199 "47 hours" 172800 "2 days" \
		1209600 "2 weeks" 5184000 "2 months" 63072000 "2 years"
}

@test "json_strings: a JSON array of strings, escapes and surrogate pairs read; anything else EINVAL" {
	expect strings "" -- '["sh", "-c", "echo hi"]' "<sh><-c><echo hi>" '[]' "" ' [ "a" ] ' "<a>" \
		'["q\"b\\s\/\n\u00e9\ud83d\udc1a"]' "$(printf '<q"b\\s/\n\xc3\xa9\xf0\x9f\x90\x9a>')" \
		'["a",]' EINVAL '["a" "b"]' EINVAL '[1]' EINVAL '["a"] x' EINVAL '"a"' EINVAL \
		'["\u0000"]' EINVAL '["\ud800"]' EINVAL '["\udc00"]' EINVAL "$(printf '["a\tb"]')" EINVAL \
		'["\x"]' EINVAL '["a"' EINVAL '' EINVAL
}

