#!/usr/bin/env bats
# needs: root
# Every step carries the code of the steps before it, and each NN-name.bats
# re-asserts the earlier steps' properties with the shared assert_* helpers
# of helpers.bash. Here each helper meets a mutant: a copy of a step with
# one lesson broken (sed), built beside a link to images/. The helper,
# run as a bats test of its own, must fail, and fail in the helper itself,
# not in a teardown. A mutant whose edit changes nothing fails too: the
# steps' copies of a lesson have drifted apart.
load helpers

setup() {
	requires root
	common_setup
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	ln -s "$REPO/images" "$BATS_TEST_TMPDIR/images"
}
teardown() { common_teardown; }

# Build steps/NN-*.c edited by the sed SCRIPT into $BATS_TEST_TMPDIR/bin/NN;
# print its path. "busybox" resolves through the images link.
mutant() { # NN SCRIPT
	local src out=$BATS_TEST_TMPDIR/bin/$1
	src=$(echo "$REPO"/steps/"$1"-*.c)
	sed "$2" "$src" >"$out.c"
	if cmp -s "$src" "$out.c"; then
		echo "mutant: '$2' changed nothing in $src" >&2
		return 1
	fi
	cc -std=gnu11 -O2 -Wno-unused-function -Wno-unused-variable -Wno-unused-parameter \
		-iquote "$REPO/steps" -o "$out.bin" "$out.c" "$REPO"/common/*.c
	# from 09 on, a runtime has verbs: the helpers call `run --rm`
	if [ "$((10#$1))" -ge 9 ]; then
		printf '#!/bin/sh\nexec %q run --rm "$@"\n' "$out.bin" >"$out"
		chmod +x "$out"
	else
		mv "$out.bin" "$out"
	fi
	echo "$out"
}

# The helper, with its arguments, must fail on the mutant: as a test of
# its own, in a bats run of its own, failing in the helper. With
# NETWORK set to the mutant's path, the helper gets, as its first
# argument, that mutant run in network namespaces of the test's own (net_setup).
fails() { # HELPER ARG...
	local file=$BATS_TEST_TMPDIR/$1.bats
	{
		echo "load '$REPO/tests/helpers'"
		if [ -n "${NETWORK:-}" ]; then
			echo "setup() { common_setup; net_setup '$NETWORK'; }"
			echo 'teardown() { net_teardown; }'
		else
			echo 'setup() { common_setup; }'
			echo 'teardown() { common_teardown; }'
		fi
		echo '@test "mutant" {'
		printf '\t%q' "$1"
		# shellcheck disable=SC2016 # "$NET", as it is, into the test
		[ -z "${NETWORK:-}" ] || printf ' "$NET"'
		[ $# -lt 2 ] || printf ' %q' "${@:2}"
		printf '\n}\n'
	} >"$file"
	# In a UTS, IPC and network namespace of its own: a mutant without
	# CLONE_NEWUTS would otherwise set the host's hostname, and from 09 on
	# `run` makes its bridge, NAT rules and ip_forward in the caller's
	# network namespace. Its name there is not the containers' own,
	# whatever the host's is.
	run unshare --uts --ipc --net bash -c 'hostname mutants && exec "$@"' _ \
		env NUTSHELL_REPO="$REPO" bats --tap "$file"
	echo "$output" >&2
	[ "$status" -eq 1 ]
	[[ $output == *"not ok 1 mutant"* ]]
	[[ $output == *"from function \`$1'"* ]]
}

# The steps to break for a property: the one that brings it and the last
# one, which carries it. The helper is the same for every step between,
# and each step's own file runs it; the mutant shows that it can fail.
carriers() { # FROM
	local steps=("$REPO"/steps/*.c) last
	last=${steps[-1]##*/}
	echo "$1"
	[ "${last%%-*}" = "$1" ] || echo "${last%%-*}"
}

@test "02 on: a fixed-size stack overflows on a long argument list" {
	local nn bin
	for nn in $(carriers 02); do
		bin=$(mutant "$nn" 's/^#define STACK_SIZE(argc) .*/#define STACK_SIZE(argc) (1024 * 1024 + 0 * (argc))/')
		if [ "$nn" = 02 ]; then
			fails assert_big_argv "$bin"
		else
			copy_image "$BATS_TEST_TMPDIR/rootfs$nn"
			fails assert_big_argv "$bin" "$BATS_TEST_TMPDIR/rootfs$nn"
		fi
	done
}

@test "03 to 05: chroot without chdir(\"/\") leaves the working directory on the host" {
	local nn
	for nn in 03 05; do
		fails assert_root_is_image "$(mutant "$nn" '/^\tif (chdir("\/") == -1)$/,+1d')" busybox
	done
}

@test "04 on: proc mounted without nosuid, nodev, noexec" {
	local nn
	for nn in $(carriers 04) 06; do
		fails assert_proc_mounted "$(mutant "$nn" '/mount("proc", [a-z"\/]*, "proc"/s/MS_NOSUID | MS_NODEV | MS_NOEXEC,/0,/')" busybox
	done
}

@test "04 on: SIGTERM and SIGHUP not passed on to the command" {
	local nn
	for nn in $(carriers 04); do
		fails assert_forwards_signals "$(mutant "$nn" '/if (sigaction(SIG\(TERM\|HUP\), &forward, NULL) == -1)/,+1d')" busybox
	done
}

@test "04 and 05: the umount of ROOTFS/proc follows the image's symlink" {
	local nn
	for nn in 04 05; do
		fails assert_proc_symlink_unmounts_nothing "$(mutant "$nn" 's/MNT_DETACH | UMOUNT_NOFOLLOW/MNT_DETACH/')"
	done
}

@test "05 on: a namespace flag missing from clone_flags" {
	local nn own="ipc mnt net pid uts" flag
	for nn in $(carriers 05); do
		[ "$((10#$nn))" -lt 7 ] || own="cgroup $own"
		for flag in NET UTS; do
			fails assert_own_namespaces "$own" "$(mutant "$nn" "/CLONE_NEW$flag |/d")" busybox
		done
	done
}

@test "05 on: no sethostname" {
	local nn
	for nn in $(carriers 05); do
		fails assert_pid1_and_hostname "$(mutant "$nn" '/^\tset_hostname(cfg->hostname);$/d')" busybox
	done
}

@test "06 on: mounts not made private first" {
	local nn
	for nn in $(carriers 06); do
		fails assert_mounts_stay_inside "$(mutant "$nn" '/^\tmake_mounts_private();$/d')" busybox
	done
}

@test "06 on: chroot in place of pivot_root" {
	local nn
	for nn in $(carriers 06); do
		fails assert_no_chroot_escape "$(mutant "$nn" 's/sys_pivot_root(".", ".") == -1/chroot(".") == -1/; /umount2(".", MNT_DETACH)/,+1d')"
	done
}

@test "06 on: /sys writable, or device nodes with the umask's mode" {
	local nn
	for nn in $(carriers 06); do
		fails assert_standard_mounts "$(mutant "$nn" '/mount("sysfs"/,+1s/MS_RDONLY | //')" busybox
		fails assert_standard_mounts "$(mutant "$nn" '/if (chmod(n->path, 0666) == -1)/,+1d')" busybox
	done
}

@test "06 on: /dev/shm without nosuid, nodev, noexec" {
	local nn
	for nn in $(carriers 06); do
		fails assert_standard_mounts "$(mutant "$nn" '/mount("shm", "\/dev\/shm", "tmpfs"/s/MS_NOSUID | MS_NODEV | MS_NOEXEC,/0,/')" busybox
	done
}

@test "07 on: the child joins its cgroup only after it was released" {
	local nn
	for nn in $(carriers 07); do
		# 07's main() holds cfg; from 09 on, start_container() holds a
		# pointer to it
		fails assert_cgroup_before_exec "$(mutant "$nn" '/^\tjoin_cgroup(&\?cfg);$/d
			/^\tif (sync_release(cfg.sync) == -1)$/{n;s/$/\n\tjoin_cgroup(\&cfg);/}
			/^\tif (sync_release(cfg->sync) == -1)$/{n;s/$/\n\tjoin_cgroup(cfg);/}')"
	done
}

@test "07 on: swap or a limit left out of the cgroup" {
	local nn
	for nn in $(carriers 07); do
		fails assert_cgroup_limits "$(mutant "$nn" '/^\tif (access(path, F_OK) == 0)$/,+2d')"
		fails assert_cgroup_limits "$(mutant "$nn" '/^\tif (lim->pids > 0)$/,+1d')"
	done
}

@test "07 on: a controller the tree lacks, noticed too late" {
	local nn
	for nn in $(carriers 07); do
		# shellcheck disable=SC2016 # the backquotes are C's
		fails assert_missing_controller "$(mutant "$nn" 's/^\t\tdie("enable memory, cpu, pids in `%s`", root);$/\t\t;/')"
	done
}

@test "07 on: the sweep of stale cgroups from another PID namespace; the cgroup's name there" {
	local nn
	for nn in $(carriers 07); do
		fails assert_sweeps_only_what_it_sees "$(mutant "$nn" 's/^\tif (!cfg->host_pids)$/\tif (0)/')"
		# named after the pid alone: the second pid 1 finds its cgroup made
		fails assert_sweeps_only_what_it_sees "$(mutant "$nn" 's|"%s/ns%u-%d"|"%s/%.0u%d"|')"
	done
}

@test "07 on: no cgroup namespace, no PR_SET_PDEATHSIG" {
	local nn
	for nn in $(carriers 07); do
		fails assert_cgroupns_root "$(mutant "$nn" '/if (unshare(CLONE_NEWCGROUP) == -1)/,+1d')" busybox
		fails assert_dies_with_runtime "$(mutant "$nn" '/if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1)/,+1d')"
	done
}

@test "08 on: lo left down, no default route, the image's /etc files; the veth's name in another PID namespace" {
	local nn
	for nn in $(carriers 08); do
		NETWORK=$(mutant "$nn" '/^\tset_link_up(nl, "lo");$/d') fails assert_network_none
		NETWORK=$(mutant "$nn" '/^\t\tadd_default_route(nl, cfg->net.gateway);$/d') fails assert_bridge_network
		NETWORK=$(mutant "$nn" '/^\tmount_etc_files(cfg);$/d') fails assert_etc_files
		# a veth named after a pid of another PID namespace: the
		# second pid 1 finds its name taken
		fails assert_sweeps_only_what_it_sees "$(mutant "$nn" 's/"%s", VETH_NUMBERED/"nsh1"/')"
	done
}

@test "09 on: the image itself as the root; the runtime's environment passed on" {
	local nn
	for nn in $(carriers 09); do
		fails assert_root_is_overlay "$(mutant "$nn" '/^\tmount_overlay(cfg);$/d; s/enter_rootfs(cfg->merged)/enter_rootfs(cfg->rootfs)/')" busybox
		fails assert_clean_environment "$(mutant "$nn" '/^\tenviron = cfg->env;$/d')" busybox
	done
}

@test "10 on: capabilities kept, a call let through, /dev writable, PID 1 dumpable" {
	local nn probe=$BATS_TEST_TMPDIR/probe
	mkdir "$probe"
	cc -std=gnu11 -O2 -static -o "$probe/try-syscall" "$REPO/tests/try-syscall.c"
	for nn in $(carriers 10); do
		fails assert_hardened "$(mutant "$nn" '/^\tdrop_capabilities(caps);$/d')" busybox
		fails assert_filtered "$(mutant "$nn" '/^\tDENY(keyctl),/d')" --cap-add ALL -v "$probe:/probe:ro" busybox
		fails assert_devices_unusable "$(mutant "$nn" '/^\tseal_dev();$/d')" busybox
		fails assert_init_out_of_reach "$(mutant "$nn" '/^\tif (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)$/,+1d')" --init busybox
	done
}
