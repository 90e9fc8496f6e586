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
