#!/usr/bin/env bats
# scripts/deps: what make test, make lint and make test-vm need, installed
# with apt-get when missing (as root), else named in one line. Runs it with
# a PATH of its own: stubs for the commands it looks for, for id (who we
# are), cc (where libc.a is) and apt-get (which logs its arguments).
load helpers

setup() { common_setup; }
teardown() { common_teardown; }

# A sh script NAME in $bin, in place of the link to the real NAME: the
# link is removed first, and noclobber makes sure that nothing is ever
# written through a link into the real command.
stub() { # NAME BODY
	rm -f "$bin/$1"
	(
		set -o noclobber
		printf '#!/bin/sh\n%s\n' "$2" >"$bin/$1"
	)
	chmod +x "$bin/$1"
}

# Fill $bin: links to every real command, a do-nothing stub for every
# command of the list, id saying UID, cc finding libc.a, apt-get logging to
# $BATS_TEST_TMPDIR/apt.log. Then remove the commands in MISSING ("libc.a":
# cc finds no libc.a). apt-get refuses to install a package named in
# $BATS_TEST_TMPDIR/unknown until it has been run with update.
fake_path() { # UID MISSING...
	local uid=$1 dir dirs what _
	shift
	bin=$BATS_TEST_TMPDIR/bin
	mkdir "$bin"
	IFS=: read -ra dirs <<<"$PATH"
	for dir in "${dirs[@]}"; do
		ln -s "$dir"/* "$bin"/ 2>/dev/null || true
	done
	while read -r what _; do
		[[ $what == *.a ]] || stub "$what" 'exit 0'
	done < <(scripts/deps --list)
	stub id "echo $uid"
	touch "$BATS_TEST_TMPDIR/libc.a"
	stub cc "echo $BATS_TEST_TMPDIR/libc.a"
	touch "$BATS_TEST_TMPDIR/unknown"
	stub apt-get "t=$BATS_TEST_TMPDIR
echo \"\$*\" >>\$t/apt.log
[ \"\$1\" != update ] || { touch \$t/updated; exit 0; }
for p; do
	if grep -qx \"\$p\" \$t/unknown && [ ! -e \$t/updated ]; then
		echo \"E: Unable to locate package \$p\"; exit 100
	fi
done"
	for what in "$@"; do
		case $what in
		libc.a) stub cc 'echo libc.a' ;;
		*) rm "$bin/$what" ;;
		esac
	done
}

# scripts/deps ARGS... with $bin as the whole PATH.
run_deps() { # ARGS...
	run env PATH="$bin" scripts/deps "$@"
}

@test "nothing missing: nothing printed, apt-get not run" {
	fake_path 0
	run_deps --as 'make test' test lint vm
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ ! -e "$BATS_TEST_TMPDIR/apt.log" ]
}

@test "bats and libc.a missing, as root: one line, apt-get installs bats and libc6-dev" {
	fake_path 0 bats libc.a
	run_deps --as 'make test' test
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == *bats* && $output == *libc6-dev* ]]
	run cat "$BATS_TEST_TMPDIR/apt.log"
	[ "$output" = "install -y -q --no-install-recommends bats libc6-dev" ]
}

@test "a package apt knows only after an update: update, then install again" {
	fake_path 0 bats strace
	echo strace >"$BATS_TEST_TMPDIR/unknown"
	run_deps --as 'make test' test
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	run cat "$BATS_TEST_TMPDIR/apt.log"
	[ "${lines[0]}" = "install -y -q --no-install-recommends bats strace" ]
	[ "${lines[1]}" = "update -q" ]
	[ "${lines[2]}" = "install -y -q --no-install-recommends bats strace" ]
	[ "${#lines[@]}" -eq 3 ]
}

@test "a package apt does not know even after an update: apt's error, non-zero" {
	fake_path 0 strace
	stub apt-get "echo \"\$*\" >>$BATS_TEST_TMPDIR/apt.log
[ \"\$1\" = update ] || { echo 'E: Unable to locate package strace'; exit 100; }"
	run_deps --as 'make test' test
	[ "$status" -ne 0 ]
	[[ $output == *"Unable to locate package strace"* ]]
	run cat "$BATS_TEST_TMPDIR/apt.log"
	[ "${#lines[@]}" -eq 3 ]
}

@test "no apt-get: one line naming what is missing and its packages, non-zero" {
	fake_path 0 bats pmap apt-get
	run_deps --as 'make test' test
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == *bats* && $output == *pmap* && $output == *procps* ]]
}

@test "not root: one line with the packages and the command to type, apt-get not run" {
	fake_path 1000 strace script
	run_deps --as 'make test' test
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ $output == *strace* && $output == *bsdutils* ]]
	[[ $output == *"sudo make test"* ]]
	[ ! -e "$BATS_TEST_TMPDIR/apt.log" ]
}

@test "only the groups asked for are looked at" {
	fake_path 1000 shellcheck
	run_deps test
	[ "$status" -eq 0 ]
	run_deps lint
	[ "$status" -eq 1 ]
	[[ $output == *shellcheck* ]]
}

# The first list of section HEADING in FILE: its lines from the first
# "- " item to the blank line after it.
section_list() { # FILE HEADING
	awk -v h="## $2" '$0 == h { s = 1; next } s && /^## / { exit }
		s && /^- / { l = 1 } l && /^$/ { exit } l' "$1"
}

@test "the README's Requirements and chapter 00's Prerequisites: one list, every package" {
	local readme intro package missing=0
	readme=$(section_list README.md Requirements)
	intro=$(section_list docs/00-introduction.md Prerequisites)
	[ -n "$readme" ]
	[ "$readme" = "$intro" ]
	for package in $(scripts/deps --list | awk '{ print $2 }' | sort -u); do
		if [[ $readme != *"\`$package\`"* ]]; then
			echo "the list does not name \`$package\`"
			missing=1
		fi
	done
	[ "$missing" -eq 0 ]
}
