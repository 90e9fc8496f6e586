#!/usr/bin/env bats
# The chapters agree with the code and the tests (scripts/check-docs), and
# the README and the introduction point at chapters that exist.
load helpers

setup() { common_setup; }
teardown() { common_teardown; }

@test "every step has a chapter" {
	local step
	for step in steps/*.c; do
		step=$(basename "$step" .c)
		[ -f "docs/$step.md" ] || {
			echo "no docs/$step.md"
			return 1
		}
	done
}

@test "C and diff excerpts are verbatim; every Try-it command is run by a test" {
	run scripts/check-docs
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "the checker catches an excerpt that is not in the step file" {
	local doc=$BATS_TEST_TMPDIR/05-allns.md
	# shellcheck disable=SC2016 # backquotes of a markdown fence, not a command
	printf '# x\n```c\nint not_in_the_step_file;\n```\n' >"$doc"
	run scripts/check-docs "$doc"
	[ "$status" -eq 1 ]
	# a command that no file has: made here, so not even this one has it
	# shellcheck disable=SC2016 # the $ is the prompt of a console block
	printf '# x\n## Try it\n```console\n$ ./bin/05-allns busybox %s\n```\n' \
		"no-test-runs-$RANDOM$RANDOM" >"$doc"
	run scripts/check-docs "$doc"
	[ "$status" -eq 1 ]
	# and passes a chapter whose excerpt and command are real
	# shellcheck disable=SC2016
	printf '# x\n```c\n%s\n```\n## Try it\n```console\n$ %s\n```\n' \
		'static void set_hostname(const char *hostname)' \
		"./bin/05-allns busybox /bin/sh -c 'echo \$\$; hostname'" >"$doc"
	run scripts/check-docs "$doc"
	[ "$status" -eq 0 ]
}

# The diff excerpt tests below build chapters from the live make diff STEP=05,
# so they hold whatever the steps are today.

# live_hunk N: hunk N of make diff STEP=05, its @@ line first
live_hunk() {
	scripts/diff-step 05 | awk -v n="$1" '/^@@/ { h++ } h == n'
}

# diff_chapter DOC: write DOC (named like a real chapter: the step number
# comes from the file name) with stdin as its one ```diff block
diff_chapter() {
	# shellcheck disable=SC2016 # backquotes of a markdown fence, not a command
	{
		echo '```diff'
		cat
		echo '```'
	} >"$1"
}

# stale_head HEAD: the @@ line HEAD with its new-file start one line later
stale_head() {
	[[ $1 =~ ^(@@\ -[0-9,]+\ \+)([0-9]+)(.*)$ ]]
	echo "${BASH_REMATCH[1]}$((BASH_REMATCH[2] + 1))${BASH_REMATCH[3]}"
}

@test "a C excerpt may come from a module of common/ the step includes, and from no other" {
	local doc=$BATS_TEST_TMPDIR/09-overlay.md line
	# a line of common/store.c (09 includes store.h) and of netlink.c (it
	# includes netlink.h too); 05 includes neither
	line=$(grep -m1 '^const char \*container_status(' common/store.c)
	# shellcheck disable=SC2016 # backquotes of a markdown fence, not a command
	printf '# x\n```c\n%s\n```\n```c\n%s\n```\n' "$line" 'int nl_open(void)' >"$doc"
	run scripts/check-docs "$doc"
	[ "$status" -eq 0 ]
	mv "$doc" "$BATS_TEST_TMPDIR/05-allns.md"
	run scripts/check-docs "$BATS_TEST_TMPDIR/05-allns.md"
	[ "$status" -eq 1 ]
	[ "$(grep -c 'not verbatim' <<<"$output")" -eq 2 ]
}

@test "the checker passes real pieces of make diff: file lines, a cut hunk, a fragment" {
	local doc=$BATS_TEST_TMPDIR/05-allns.md
	# the --- and +++ lines, the first 4 lines of hunk 1, all of hunk 2, in
	# one block; then 3 lines from the middle of hunk 3
	{
		scripts/diff-step 05 | awk '/^@@/ { h++ } h == 0'
		live_hunk 1 | head -n 5
		live_hunk 2
		echo '```'
		echo '```diff'
		live_hunk 3 | sed -n 3,5p
	} | diff_chapter "$doc"
	run scripts/check-docs "$doc"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "the checker catches a stale @@ line and names the real one" {
	local doc=$BATS_TEST_TMPDIR/05-allns.md hunk real stale
	hunk=$(live_hunk 3)
	real=${hunk%%$'\n'*}
	stale=$(stale_head "$real")
	diff_chapter "$doc" <<<"$stale"$'\n'"${hunk#*$'\n'}"
	run scripts/check-docs "$doc"
	[ "$status" -eq 1 ]
	[[ $output == *"$stale"*"$real"* ]]
}

@test "the checker catches lines that are not consecutive in make diff, and names the first" {
	local doc=$BATS_TEST_TMPDIR/05-allns.md next
	# the hunk without its 3rd line: chapter line 2 is its @@ line, so the
	# 4th line, the first out of place, is chapter line 5
	next=$(live_hunk 3 | sed -n 5p)
	live_hunk 3 | sed 4d | diff_chapter "$doc"
	run scripts/check-docs "$doc"
	[ "$status" -eq 1 ]
	[[ $output == *"line 5: "*"$next" ]]
}

@test "the checker catches a made-up - line, even one the old step has there" {
	local doc=$BATS_TEST_TMPDIR/05-allns.md hunk old_start old_len after n
	# the old step's line just below the hunk, shown as removed after it
	hunk=$(live_hunk 2)
	[[ ${hunk%%$'\n'*} =~ ^@@\ -([0-9]+),([0-9]+) ]]
	old_start=${BASH_REMATCH[1]} old_len=${BASH_REMATCH[2]}
	after=-$(sed -n "$((old_start + old_len))p" steps/04-*.c)
	diff_chapter "$doc" <<<"$hunk"$'\n'"$after"
	run scripts/check-docs "$doc"
	[ "$status" -eq 1 ]
	n=$(wc -l <<<"$hunk")
	[[ $output == *"line $((n + 2)): "*"$after" ]]
}

@test "check-docs --fix rewrites a stale @@ line in place" {
	local doc=$BATS_TEST_TMPDIR/05-allns.md hunk real
	hunk=$(live_hunk 3)
	real=${hunk%%$'\n'*}
	diff_chapter "$doc" <<<"$(stale_head "$real")"$'\n'"${hunk#*$'\n'}"
	run scripts/check-docs --fix "$doc"
	[ "$status" -eq 0 ]
	[ "$(sed -n 2p "$doc")" = "$real" ]
	run scripts/check-docs "$doc"
	[ "$status" -eq 0 ]
}

@test "relative links in README.md and docs/ point at files that exist" {
	local md link missing=0
	for md in README.md docs/*.md; do
		while read -r link; do
			if [ ! -e "$(dirname "$md")/$link" ]; then
				echo "$md: broken link $link"
				missing=1
			fi
		done < <(grep -oE '\]\([^)#:]+' "$md" | cut -c3-)
	done
	[ "$missing" -eq 0 ]
}

@test "docs/security.md and troubleshooting.md name only tests that exist, each in the file it names" {
	# a cell of the last column: `FILE.bats`: "name"; "name"; `FILE.bats`: ...
	run python3 - docs/security.md docs/troubleshooting.md <<'PY'
import re, sys
names = 0
for row in (row for doc in sys.argv[1:] for row in open(doc)):
    if not row.startswith("| ") or " | " not in row:
        continue
    file = None
    for m in re.finditer(r'`([0-9a-z-]+\.bats)`: |"([^"]+)"', row.rsplit(" | ", 1)[1]):
        if m.group(1):
            file = m.group(1)
        elif file:
            names += 1
            if '@test "%s"' % m.group(2) not in open("tests/" + file).read():
                print("%s has no test \"%s\"" % (file, m.group(2)))
print(names, "names")
PY
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" != "0 names" ]
	[ "${#lines[@]}" -eq 1 ]
}
