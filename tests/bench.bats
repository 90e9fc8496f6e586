#!/usr/bin/env bats
# needs: root
# make bench's quick mode (scripts/bench --quick): a few runs of each
# case, no targets judged, so that the benchmark cannot rot. The timings
# themselves are judged nowhere in the suite: only that every case ran
# and the report says so.
load helpers

setup() {
	requires root
	common_setup
}
teardown() { common_teardown; }

# the median column of the report's row for CASE
median() { # CASE
	awk -F' \\| ' -v name="| $1" '$1 == name { print $2; exit }' "$BATS_TEST_TMPDIR/out/performance.md"
}

@test "bench --quick: every step and every peer ran; the crowds all started, each with an address; a plot" {
	run scripts/bench --quick --out "$BATS_TEST_TMPDIR/out"
	echo "$output" >&2
	[ "$status" -eq 0 ]
	local name
	for name in 03-chroot 04-mount 05-allns 06-private-mnt 07-cgroup 08-net \
		09-overlay 10-caps-seccomp "10, with limits" chroot unshare \
		"bwrap --unshare-all" "crun, its default spec" "crun, as 10, with limits" \
		"runc, crun's default spec" "runc, as 10, with limits" \
		"cp -a, busybox image" "10, --network bridge" "10 exec" "nsenter -a"; do
		[[ $(median "$name") =~ ^[0-9]+\.[0-9]+$ ]] || {
			echo "no median for $name" >&2
			return 1
		}
	done
	# the ratios, computed, not judged
	grep -qE '^\| 05-allns / unshare \| [0-9.]+× \|' "$BATS_TEST_TMPDIR/out/performance.md"
	grep -qE '^\| 10 with limits / crun as 10, with limits \| [0-9.]+× \|' "$BATS_TEST_TMPDIR/out/performance.md"
	# 1 and 10 containers at once: all started, with 1 and 10 addresses
	grep -qx '| 1 | [0-9]* | 1 | 1 |' "$BATS_TEST_TMPDIR/out/performance.md"
	grep -qx '| 10 | [0-9]* | 10 | 10 |' "$BATS_TEST_TMPDIR/out/performance.md"
	grep -q '<svg' "$BATS_TEST_TMPDIR/out/performance.svg"
	# the page says which large image it used: the stand-in, not Debian
	grep -q 'starts from the --quick stand-in' "$BATS_TEST_TMPDIR/out/performance.md"
	run ! grep -q 'starts from images/debian' "$BATS_TEST_TMPDIR/out/performance.md"
}

@test "bench: crun's equivalent spec holds docker's capabilities, no_new_privs and 10's filter" {
	local bundle=$BATS_TEST_TMPDIR/bundle
	# the spec the benchmark gives crun and runc: run it, with a probe
	mkdir -p "$bundle"
	cp -a "$IMAGE" "$bundle/rootfs"
	cc -std=gnu11 -O2 -static -o "$bundle/rootfs/try-syscall" tests/try-syscall.c
	run scripts/bench --print-spec "$bundle/config.json"
	[ "$status" -eq 0 ]
	python3 - "$bundle/config.json" "$bundle/rootfs" <<-'END'
		import json, sys
		spec = json.load(open(sys.argv[1]))
		spec["root"]["path"] = sys.argv[2]
		spec["process"]["args"] = ["sh", "-c", "grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status; /try-syscall keyctl mount clone-newuser tiocsti clone3 getpid"]
		json.dump(spec, open(sys.argv[1], "w"))
	END
	# crun 1.8 refuses a hybrid host whose cgroup2 tree has a controller:
	# as scripts/bench does, that tree unmounted in a mount namespace
	# shellcheck disable=SC2016 # the inner shell's "$0" and "$@"
	run unshare -m sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec "$0" "$@"' \
		crun --root "$BATS_TEST_TMPDIR/crun" run --bundle "$bundle" "bench-test-$$"
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[ "$(tr -s '\t ' ' ' <<<"$output")" = "$(printf '%s\n' "CapEff: 00000000a80425fb" \
		"NoNewPrivs: 1" "Seccomp: 2" "keyctl EPERM" "mount EPERM" \
		"clone-newuser EPERM" "tiocsti EPERM" "clone3 ENOSYS" "getpid ok")" ]
}
