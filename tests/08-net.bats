#!/usr/bin/env bats
# needs: root
# 08-net: docker's three network modes; the bridge, veths, leases, NAT and
# published ports of the bridge mode. Every test runs the runtime ($NET) in
# network namespaces of its own (net_setup in helpers.bash): no packet
# leaves them, and nothing of the host's network changes.
# shellcheck disable=SC2016 # single-quoted $ is for the container's shell
load helpers

setup() {
	local step
	requires root
	common_setup
	step=$(step_under_test 08-net)
	if [ "$step" = 08-net ]; then
		net_setup 08-net
	else
		# a later step, with verbs: 08's command line is `run --rm`
		export NUTSHELL_CONTAINERS=$BATS_TEST_TMPDIR/containers
		printf '#!/bin/sh\nexec %q run --rm "$@"\n' "$REPO/bin/$step" >"$BATS_TEST_TMPDIR/$step"
		chmod +x "$BATS_TEST_TMPDIR/$step"
		net_setup "$BATS_TEST_TMPDIR/$step"
	fi
}
teardown() { net_teardown; }

@test "make step-08 builds the program" {
	own_program 08-net
	run make step-08
	[ "$status" -eq 0 ]
	[ -x bin/08-net ]
}

@test "stdio and exit codes pass through" {
	# 10 passes stdin only with -i, as docker: its file says so itself
	carried
	assert_stdio_passes "$NET" busybox
	assert_exit_codes "$NET" busybox
}

@test "--network none: lo alone, and up: 127.0.0.1 answers; in 07 it does not" {
	assert_network_none "$NET"
	run ./bin/07-cgroup busybox ping -c1 -W2 127.0.0.1
	[ "$status" -ne 0 ]
	# and nothing was made: no bridge
	run in_host ip -o link show
	[ "${#lines[@]}" -eq 1 ]
}

@test "--network host: the interfaces of the host's namespace" {
	in_host ip link add probe0 type veth peer name probe1
	run "$NET" --network host busybox ls /sys/class/net
	[ "$status" -eq 0 ]
	# ip netns exec mounts a sysfs of the namespace's own
	[ "$output" = "$(ip netns exec "$HOSTNS" ls /sys/class/net)" ]
	[[ $output == *probe0* ]]
	run "$NET" --network host busybox readlink /proc/self/ns/net
	[ "$output" = "$(in_host readlink /proc/self/ns/net)" ]
}

@test "bridge: eth0 with an address of the subnet, a default route; the bridge and a neighbour answer" {
	assert_bridge_network "$NET"
	# the bridge on the host's side, with the gateway's address
	run in_host ip -4 -o addr show nutshell0
	[[ $output == *" inet 10.219.0.1/16 "* ]]
}

@test "the veth's host end is on the bridge and named after the runtime" {
	start_container "$NET" busybox sleep 30
	run in_host ip -o link show master nutshell0
	[ "$status" -eq 0 ]
	[[ $output == *" nsh$RUNTIME_PID@"* ]]
	kill -KILL "$CONTAINER_PID"
	wait_runtime
}

@test "two containers: ping each other, and talk TCP" {
	start_container "$NET" busybox /bin/sh -c 'nc -l -p 7000 -e echo hello-over-tcp'
	local first=$RUNTIME_PID
	run "$NET" busybox /bin/sh -c 'ping -c1 -W2 10.219.0.2 >/dev/null && echo pong; nc 10.219.0.2 7000 </dev/null'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'pong\nhello-over-tcp')" ]
	wait "$first" # the server answered once, and ended
}

# Does a server of the outside listen on 192.0.2.2:PORT?
outside_listens() { # PORT
	nsenter --net="/run/netns/$OUTNS" ss -Hltn "sport = :$1" | grep -q '192\.0\.2\.2:'
}

@test "NAT: a container reaches the outside, which sees the host's address" {
	make_outside
	mkdir -p "$BATS_TEST_TMPDIR/www/cgi-bin"
	printf '#!/bin/sh\necho "Content-Type: text/plain"\necho\necho "$REMOTE_ADDR"\n' \
		>"$BATS_TEST_TMPDIR/www/cgi-bin/peer"
	chmod +x "$BATS_TEST_TMPDIR/www/cgi-bin/peer"
	ip netns exec "$OUTNS" "$IMAGE/bin/busybox" httpd -f -p 192.0.2.2:80 \
		-h "$BATS_TEST_TMPDIR/www" 3>&- &
	local httpd=$!
	# listening before the container asks (on a busy host it takes a while)
	eventually outside_listens 80
	run "$NET" busybox /bin/sh -c 'for i in 1 2 3 4 5; do wget -qO- http://192.0.2.2/cgi-bin/peer && break; sleep 0.2; done'
	kill "$httpd"
	wait "$httpd" || true
	[ "$status" -eq 0 ]
	[ "$output" = 192.0.2.1 ] # not 10.219.0.2: masqueraded
}

@test "-p 8080:80: a client outside reaches the container's server through the host, whose FORWARD policy is DROP" {
	make_outside
	# as on every host where docker runs
	in_host iptables -P FORWARD DROP
	# the container serves its /etc; the image stays as it is
	start_container "$NET" -p 8080:80 --hostname served-from-inside busybox httpd -f -p 80 -h /etc
	run in_host iptables -t nat -S PREROUTING
	[[ $output == *"--dport 8080 "*"-j DNAT --to-destination 10.219.0.2:80"* ]]
	# (a connection the host drops would wait minutes: timeout)
	run timeout 10 ip netns exec "$OUTNS" bash -c 'for i in 1 2 3 4 5; do exec 3<>/dev/tcp/192.0.2.1/8080 && break; sleep 0.2; done; printf "GET /hostname HTTP/1.0\r\n\r\n" >&3; cat <&3'
	[ "${lines[-1]}" = served-from-inside ]
	kill -KILL "$CONTAINER_PID"
	wait_runtime
	# the rule went with the container (net_leftovers checks it too)
	run in_host iptables -t nat -S PREROUTING
	[[ $output != *DNAT* ]]
}

@test "/etc/hosts, hostname and resolv.conf are the runtime's; the image's stay as they are" {
	assert_etc_files "$NET"
	[ ! -s "$IMAGE/etc/hosts" ]
}

@test "resolv.conf: loopback nameservers are left out; systemd-resolved's list is used instead" {
	# the host's files, in a mount namespace of the test's own
	printf 'nameserver 127.0.0.53\noptions edns0\n' >"$BATS_TEST_TMPDIR/stub"
	printf 'nameserver 192.0.2.53\n' >"$BATS_TEST_TMPDIR/upstream"
	mkdir -p "$BATS_TEST_TMPDIR/resolve"
	run unshare -m bash -c 'mount --bind "$1/stub" /etc/resolv.conf &&
		mkdir -p /run/systemd/resolve && mount -t tmpfs t /run/systemd/resolve &&
		cp "$1/upstream" /run/systemd/resolve/resolv.conf &&
		"$2" busybox cat /etc/resolv.conf && "$2" --network host busybox cat /etc/resolv.conf' \
		_ "$BATS_TEST_TMPDIR" "$NET"
	[ "$status" -eq 0 ]
	# bridge mode: the upstream; host mode, the host's own loopback works
	[ "$output" = "$(printf 'nameserver 192.0.2.53\nnameserver 127.0.0.53')" ]
	# and with neither, docker's fallback
	run unshare -m bash -c 'mount --bind "$1/stub" /etc/resolv.conf &&
		mkdir -p /run/systemd/resolve && mount -t tmpfs t /run/systemd/resolve &&
		"$2" busybox cat /etc/resolv.conf' _ "$BATS_TEST_TMPDIR" "$NET"
	[ "$output" = "$(printf 'nameserver 8.8.8.8\nnameserver 8.8.4.4')" ]
}

@test "20 containers at once: 20 different addresses, all reach the bridge; then nothing is left" {
	local i
	mkdir "$BATS_TEST_TMPDIR/out"
	for i in $(seq 20); do
		# each holds its address until all have one (the sleep); a ping
		# lost while twenty runtimes start at once on a loaded host is
		# tried again, three times in all
		"$NET" busybox /bin/sh -c "$(eth0_address); sleep 3; for i in 1 2 3; do ping -c1 -W3 10.219.0.1 >/dev/null && echo pong && break; done" \
			>"$BATS_TEST_TMPDIR/out/$i" 2>&1 3>&- &
	done
	wait
	cat "$BATS_TEST_TMPDIR"/out/* >&2
	[ "$(grep -h '^10\.219\.' "$BATS_TEST_TMPDIR"/out/* | sort -u | wc -l)" -eq 20 ]
	[ "$(cat "$BATS_TEST_TMPDIR"/out/* | grep -c '^pong$')" -eq 20 ]
	# and the teardown checks that no veth, lease or DNAT rule is left
}

@test "a 7-digit pid in another PID namespace: a cgroup name that fits, a veth the kernel numbers, and it works" {
	# in a PID namespace of the test's own, whose next pid has 7 digits:
	# pid_max is per PID namespace on recent kernels, and 4194304 on
	# systemd hosts (and in make test-vm). (In the host's namespace, nsh
	# and 7 digits, 10 characters, fit IFNAMSIZ: the build checks it.)
	# Not always the same pid: a second suite may run this test meanwhile
	local pid=$((4194000 + SRANDOM % 300)) _ tree
	if cgroup_is_v2; then tree=/sys/fs/cgroup; else tree=/sys/fs/cgroup/pids; fi
	unshare --pid --fork --kill-child --mount-proc bash -c '
		echo $(($2 - 1)) >/proc/sys/kernel/ns_last_pid || exit 99
		"$1" busybox /bin/sh -c "ping -c1 -W10 10.219.0.1; exec sleep 5"
		exit $? # not exec: the runtime must be a new process' _ "$NET" "$pid" \
		>"$BATS_TEST_TMPDIR/out" 2>&1 3>&- &
	local unshare=$!
	# its cgroup, ns<inode>-<pid>, and the host's end of its veth, nsn<N>
	# (a busy host may take a while to start it: a deadline of a minute,
	# 5 s to see it)
	for _ in $(seq 1200); do
		in_host ip -o link show master nutshell0 2>/dev/null | grep -q " nsn[0-9]*@" && break
		sleep 0.05
	done
	compgen -G "$tree/nutshell/ns*-$pid" >/dev/null
	run in_host ip -o link show master nutshell0
	[[ $output == *" nsn"[0-9]*"@"* ]]
	# the container ends on its own, and its runtime cleans up
	wait "$unshare"
	grep -q "1 packets received" "$BATS_TEST_TMPDIR/out"
	[ -z "$(compgen -G "$tree/nutshell/ns*-$pid")" ]
}

@test "the NAT rules exist once after several runs; FORWARD's policy DROP does not stop containers" {
	make_outside
	in_host iptables -P FORWARD DROP
	local i
	for i in 1 2 3; do
		run "$NET" busybox ping -c1 -W2 192.0.2.2
		[ "$status" -eq 0 ]
	done
	[ "$(in_host iptables -t nat -S POSTROUTING | grep -c MASQUERADE)" -eq 1 ]
	[ "$(in_host iptables -S FORWARD | grep -c 'comment nutshell')" -eq 2 ]
	[ "$(in_host iptables -S FORWARD | head -n 1)" = "-P FORWARD DROP" ]
	[ "$(in_host cat /proc/sys/net/ipv4/ip_forward)" = 1 ]
}

@test "without iptables, or when it fails: one warning line, and containers still reach the bridge" {
	# a PATH with ip and nsenter but no iptables
	mkdir "$BATS_TEST_TMPDIR/path"
	ln -s "$(command -v nsenter)" "$BATS_TEST_TMPDIR/path/nsenter"
	run env PATH="$BATS_TEST_TMPDIR/path" "$NET" busybox /bin/ping -c1 -W2 10.219.0.1
	[ "$status" -eq 0 ]
	[ "$(grep -c iptables <<<"$output")" -eq 1 ]
	run in_host iptables -t nat -S POSTROUTING
	[[ $output != *MASQUERADE* ]]
	# an iptables that fails, as one does on a kernel without nftables:
	# its own message, then ours, and the containers run all the same
	in_host ip link del nutshell0
	printf '#!/bin/sh\necho "iptables: Failed to initialize nft: Protocol not supported" >&2\nexit 1\n' \
		>"$BATS_TEST_TMPDIR/path/iptables"
	chmod +x "$BATS_TEST_TMPDIR/path/iptables"
	run env PATH="$BATS_TEST_TMPDIR/path" "$NET" busybox /bin/ping -c1 -W2 10.219.0.1
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == *"Protocol not supported" ]]
	[[ ${lines[1]} == *"iptables failed: no NAT"* ]]
}

@test "a runtime killed with SIGKILL: the next run reclaims its lease and its port" {
	start_container "$NET" -p 8080:80 busybox sleep 30
	[ -n "$(find "$NUTSHELL_STATE/net" -name 10.219.0.2)" ]
	kill -KILL "$RUNTIME_PID"
	wait_runtime
	eventually gone "$CONTAINER_PID" # PR_SET_PDEATHSIG
	# what it left: its lease, its DNAT rule
	[ -n "$(find "$NUTSHELL_STATE/net" -name 10.219.0.2)" ]
	run in_host iptables -t nat -S PREROUTING
	[[ $output == *"10.219.0.2:80"* ]]
	# the next run takes the address again, and removed the stale rule
	run "$NET" busybox /bin/sh -c "$(eth0_address)"
	[ "$output" = 10.219.0.2 ]
	run in_host iptables -t nat -S PREROUTING
	[[ $output != *DNAT* ]]
}

@test "leases belong to a network namespace: cleanup --network in another one keeps this one's live lease" {
	local other=$HOSTNS-other
	start_container "$NET" busybox sleep 30
	[ -f "$(net_state)/nutshell0/10.219.0.2" ]
	# root's alone: the state directories, the lease and the lock
	[ "$(stat -c %a "$NUTSHELL_STATE" "$(net_state)" "$(net_state)/nutshell0"{,.lock,/10.219.0.2} |
		sort -u | paste -sd ' ')" = "600 700" ]
	# a second namespace, with the same state directory
	ip netns add "$other"
	run nsenter --net="/run/netns/$other" scripts/cleanup --network
	ip netns del "$other"
	[ "$status" -eq 0 ]
	[ -f "$(net_state)/nutshell0/10.219.0.2" ]
	run "$NET" busybox /bin/sh -c "$(eth0_address)"
	[ "$output" = 10.219.0.3 ]
	kill -KILL "$CONTAINER_PID"
	wait_runtime
}

@test "bad --network, -p or --hostname: one line, 125, and nothing made" {
	local bad
	for bad in "--network bridged" "--network" "-p 80" "-p 0:80" "-p 8080:80/sctp" \
		"--network none -p 8080:80" "--hostname $(printf 'x%.0s' $(seq 65))" \
		"--hostname -web1" "--hostname web_1" "--hostname a..b"; do
		# shellcheck disable=SC2086 # split the option from its value
		run "$NET" $bad busybox /bin/true
		[ "$status" -eq 125 ]
		[ "${#lines[@]}" -eq 1 ]
	done
	# a newline would add a line to /etc/hosts; the error is still one line
	run "$NET" --hostname $'web1\n10.0.0.1 evil' busybox /bin/true
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	[ ! -e "$NUTSHELL_STATE/net" ]
	run in_host ip -o link show
	[ "${#lines[@]}" -eq 1 ] # lo
}

@test "a bad NUTSHELL_SUBNET or NUTSHELL_BRIDGE: one line, 125" {
	local bad
	for bad in NUTSHELL_SUBNET=10.219.0.1/16 NUTSHELL_SUBNET=10.219.0.0/31 \
		NUTSHELL_BRIDGE=a-name-longer-than-15 NUTSHELL_BRIDGE=../x; do
		run env "$bad" "$NET" busybox /bin/true
		[ "$status" -eq 125 ]
		[ "${#lines[@]}" -eq 1 ]
	done
	# and a good one is used
	run env NUTSHELL_SUBNET=10.220.0.0/24 NUTSHELL_BRIDGE=other0 "$NET" busybox /bin/sh -c "$(eth0_address)"
	[ "$output" = 10.220.0.2 ]
	run in_host ip -4 -o addr show other0
	[[ $output == *" inet 10.220.0.1/24 "* ]]
}

@test "without root: one line that says so, and 125" {
	own_program 08-net
	assert_needs_root ./bin/08-net --network none busybox
}

@test "bad input: usage, a missing image, not a directory, a directory named without a slash" {
	own_program 08-net
	assert_bad_rootfs_input "$NET"
}

@test "make diff STEP=08 shows the veth" {
	own_program 08-net
	run make diff STEP=08
	[ "$status" -eq 0 ]
	[[ $output == *'+	nl_add_str(&req, IFLA_INFO_KIND, "veth");'* ]]
	# then what 08 takes from common/: netlink.h, new, whole, as a diff
	# from nothing; of file.h, which 07 had, what 08 calls first
	[[ $output == *$'\n+++ common/netlink.h\n'*$'\n+int nl_open(void);\n'* ]]
	[[ $output == *$'\n+++ common/netlink.c\n'* ]]
	[[ $output == *$'\nint lock_wait(const char *path);\n'* ]]
	# and nothing of a module 07 had and used as much
	[[ $output != *'+++ common/file.h'* ]]
	[[ $output != *'sync_wait('* ]]
}

# The properties of earlier steps, re-asserted for this one (helpers.bash),
# with the runtime in the test's network namespace and its default mode,
# the bridge.

@test "carried from 02: a script without \"#!\" and 150000 arguments runs: the stack fits them" {
	carried
	copy_image "$BATS_TEST_TMPDIR/rootfs"
	assert_big_argv "$NET" "$BATS_TEST_TMPDIR/rootfs"
}

@test "carried from 03: \"/\" and the working directory are the image" {
	carried
	assert_root_is_image "$NET" busybox
}

@test "carried from 04: /proc is a proc mount, nosuid, nodev, noexec" {
	carried
	assert_proc_mounted "$NET" busybox
}

@test "carried from 04: SIGTERM and SIGHUP are passed on; the runtime exits as the command did" {
	carried
	assert_forwards_signals "$NET" busybox
}

@test "carried from 05: its own IPC, mount, network, PID, UTS and cgroup namespaces" {
	carried
	assert_own_namespaces "cgroup ipc mnt net pid uts" "$NET" busybox
}

@test "carried from 05: PID 1, and a hostname of its own" {
	carried
	assert_pid1_and_hostname "$NET" busybox
}

@test "carried from 06: under a shared /, a mount made inside stays inside" {
	carried
	assert_mounts_stay_inside "$NET" busybox
}

@test "carried from 06: pivot_root: the chroot escape finds no way out" {
	carried
	assert_no_chroot_escape "$NET"
}

@test "carried from 06: its own private mounts: /proc, read-only /sys, a /dev with its nodes" {
	carried
	assert_standard_mounts "$NET" busybox
}

@test "carried from 06: the image is left exactly as it was" {
	carried
	assert_image_unchanged "$NET" busybox
}

@test "carried from 07: a cgroup of its own, with every limit asked for" {
	carried
	assert_cgroup_limits "$NET"
}

@test "carried from 07: in its cgroup before it runs anything: the order of system calls" {
	carried
	assert_cgroup_before_exec "$NET"
}

@test "carried from 07: no memory controller in the cgroup tree: 125, the kernel's ENOENT, a hint; nothing left" {
	carried
	assert_missing_controller "$NET"
}

@test "carried from 07: its cgroup namespace shows its own cgroup as /" {
	carried
	assert_cgroupns_root "$NET" busybox
}

@test "carried from 07: a run in another PID namespace takes no cgroup for stale, and names its own after its namespace too" {
	carried
	assert_sweeps_only_what_it_sees "$NET"
}

@test "carried from 07: a runtime killed with SIGKILL takes its container along" {
	carried
	assert_dies_with_runtime "$NET"
}

@test "Try it: the chapter's commands, in a throwaway network namespace" {
	own_program 08-net
	# the commands use the default state directory, /run/nutshell: a
	# tmpfs of the test's own mount namespace covers /run
	# (the script is an argument, not stdin: nc would read it)
	local script
	script=$(
		cat <<'EOF'
./bin/08-net busybox /bin/sh -c 'ip -4 addr show eth0; ip route; ping -c1 10.219.0.1'
echo "status $?"
./bin/08-net busybox nc -l -p 7000 -e echo hello &
# the reader of the chapter types the next command later: wait until
# the first container listens (port 7000, state 0A, in its /proc/net/tcp)
for i in $(seq 100); do
	c=$(cat /proc/$!/task/$!/children 2>/dev/null)
	grep -q ':1B58 00000000:0000 0A' "/proc/${c%% *}/net/tcp" 2>/dev/null && break
	sleep 0.05
done
./bin/08-net busybox /bin/sh -c 'ping -c1 10.219.0.2 && nc 10.219.0.2 7000'
echo "status $?"
wait
# the kernel frees a namespace, and its veths, a moment after its end
for i in $(seq 50); do ip -o link | grep -q nsh || break; sleep 0.1; done
ip -br link
iptables -t nat -S POSTROUTING
echo "leases: $(ls /run/nutshell/net/*/nutshell0)"
./bin/08-net --network none busybox /bin/sh -c 'ip -o link; ping -c1 127.0.0.1'
./bin/08-net --network host busybox ls /sys/class/net
./bin/08-net --hostname web1 busybox /bin/sh -c 'cat /etc/hostname /etc/hosts /etc/resolv.conf'
EOF
	)
	run env -u NUTSHELL_STATE unshare -m bash -c 'mount -t tmpfs tmpfs /run && exec unshare -n bash -c "$0"' "$script" </dev/null
	echo "$output" >&2
	[[ $output == *"inet 10.219.0.2/16 scope global eth0"* ]]
	[[ $output == *"default via 10.219.0.1 dev eth0"* ]]
	[[ $output == *"1 packets received"*"status 0"*"1 packets received"*hello*"status 0"* ]]
	[[ $output == *"nutshell0 "*UP* ]]
	[[ $output != *nsh[0-9]* ]] # the containers' cables are gone
	[[ $output == *"-A POSTROUTING -s 10.219.0.0/16 ! -o nutshell0 -m comment --comment nutshell -j MASQUERADE"* ]]
	[[ $output == *"leases: "$'\n'* ]]
	[[ $output == *"1: lo: <LOOPBACK,UP,LOWER_UP>"* ]]
	[[ $output == *$'\nlo\nnutshell0\n'* ]] # host mode: the namespace's devices
	[[ $output == *$'web1\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n10.219.0.2\tweb1\nnameserver'* ]]
}

@test "Try it: a published port reached from a second namespace, and the server stopped with kill" {
	own_program 08-net
	local script
	script=$(
		cat <<'EOF'
set -m
ip netns add outside
ip link add up0 type veth peer name out0 netns outside
ip addr add 192.0.2.1/24 dev up0 && ip link set up0 up
ip -n outside addr add 192.0.2.2/24 dev out0 && ip -n outside link set out0 up
./bin/08-net -p 8080:80 busybox sh -c 'trap exit INT TERM; httpd -f -p 80 -h /etc & wait' &
server=$!
# until the server listens (0x50 is port 80), in the container's namespace
for i in $(seq 100); do
	c=$(cat /proc/$server/task/$server/children 2>/dev/null)
	grep -q ':0050 00000000:0000 0A' "/proc/${c%% *}/net/tcp" 2>/dev/null && break
	sleep 0.05
done
nsenter --net=/run/netns/outside ./bin/08-net --network host busybox wget -qO- http://192.0.2.1:8080/hostname
kill %1
# a deadline, not a hang, should the server ignore SIGTERM
for i in $(seq 100); do kill -0 $server 2>/dev/null || break; sleep 0.1; done
kill -KILL $server 2>/dev/null && echo "the server ignored SIGTERM"
wait $server
echo "server $?"
ip netns del outside
ip netns list | wc -l
EOF
	)
	run env -u NUTSHELL_STATE unshare -m bash -c 'mount -t tmpfs tmpfs /run && exec unshare -n bash -c "$0"' "$script" </dev/null
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[[ $output == *$'nutshell\n'* ]]
	# the runtime passed SIGTERM on; the shell's trap ended it (143)
	[[ $output == *$'server 143\n0' ]]
}

@test "Try it: make step-08; the throwaway shell; cleanup --network" {
	own_program 08-net
	run make step-08
	[ "$status" -eq 0 ]
	# unshare -n bash: a shell in a network namespace of its own
	run unshare -n bash -c 'ip -o link | wc -l'
	[ "$output" = 1 ]
	run "$NET" busybox true
	run in_host scripts/cleanup --network
	[ "$status" -eq 0 ]
	run in_host ip link show nutshell0
	[ "$status" -ne 0 ]
}
