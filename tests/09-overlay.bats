#!/usr/bin/env bats
# needs: root
# 09-overlay: images and containers. The container's root is an overlay:
# the image below, read-only, and a writable layer of its own on top. The
# verbs: run, ps, exec, logs, stop, rm, images, import. Every test runs the
# runtime in network namespaces of its own (net_setup), with the
# containers' directory in its own temporary directory.
# shellcheck disable=SC2016 # single-quoted $ is for the container's shell
load helpers

setup() {
	requires root
	common_setup
	net_setup "$(step_under_test 09-overlay)"
	export NUTSHELL_CONTAINERS=$BATS_TEST_TMPDIR/containers
	# RUN: a foreground `run --rm`, as the helpers of earlier steps call it
	RUN=$BATS_TEST_TMPDIR/run-09
	printf '#!/bin/sh\nexec %q run --rm "$@"\n' "$NET" >"$RUN"
	chmod +x "$RUN"
}
teardown() { net_teardown; }

# The id of the container named NAME, from its state file.
container_id() { # NAME
	grep -lx "name=$1" "$NUTSHELL_CONTAINERS"/*/state | xargs dirname | xargs basename
}

# A key of a container's state file.
state_of() { # ID KEY
	sed -n "s/^$2=//p" "$NUTSHELL_CONTAINERS/$1/state"
}

# VALUE as the runtime escapes it in its state and in ps: backslash,
# newline, carriage return and tab (the control bytes these tests use).
escaped() { # VALUE
	local v=${1//\\/\\\\}
	v=${v//$'\n'/\\n}
	v=${v//$'\r'/\\r}
	printf '%s' "${v//$'\t'/\\t}"
}

# What the containers' directory holds, once every container is removed:
# the lock of the directory, nothing else.
assert_no_containers() {
	[ -d "$NUTSHELL_CONTAINERS" ] || return 0
	run find "$NUTSHELL_CONTAINERS" -mindepth 1 ! -name .lock
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

@test "make step-09 builds the program" {
	own_program 09-overlay
	run make step-09
	[ "$status" -eq 0 ]
	[ -x bin/09-overlay ]
}

@test "stdio and exit codes pass through" {
	# 10 passes stdin only with -i, as docker: its file says so itself
	carried
	assert_stdio_passes "$RUN" busybox
	assert_exit_codes "$RUN" busybox
}

@test "the root is an overlay: the image below, the container's upper/ on top" {
	assert_root_is_overlay "$RUN" busybox
}

@test "two containers of one image: a write or a delete in one is seen by neither the other nor the image" {
	local before a b
	before=$(tree_state "$IMAGE")
	run "$NET" run --name a busybox sh -c 'echo mine > /etc/new; rm /etc/passwd; ls /etc/passwd'
	[ "$status" -eq 1 ]
	run "$NET" run --name b busybox sh -c 'cat /etc/new; cat /etc/passwd >/dev/null && echo has-passwd'
	[ "$output" = "$(printf 'cat: can'"'"'t open '"'"'/etc/new'"'"': No such file or directory\nhas-passwd')" ]
	a=$(container_id a)
	b=$(container_id b)
	# a's upper layer holds exactly its changes: the new file and a
	# whiteout, a character device 0/0, for the deleted one
	run find "$NUTSHELL_CONTAINERS/$a/upper" -mindepth 1 -printf '%P %y\n'
	[ "$(sort <<<"$output")" = "$(printf 'etc d\netc/new f\netc/passwd c')" ]
	[ "$(stat -c '%t:%T' "$NUTSHELL_CONTAINERS/$a/upper/etc/passwd")" = 0:0 ]
	[ "$(cat "$NUTSHELL_CONTAINERS/$a/upper/etc/new")" = mine ]
	# b changed nothing: its upper layer is empty
	run find "$NUTSHELL_CONTAINERS/$b/upper" -mindepth 1
	[ "$output" = "" ]
	[ "$(tree_state "$IMAGE")" = "$before" ]
	run "$NET" rm a b
	[ "$status" -eq 0 ]
	assert_no_containers
}

@test "a change to an image file copies it up; a rename and rm -rf of /bin stay in the container" {
	local before id
	before=$(find "$IMAGE" -type f -exec sha256sum {} + | sort)
	run "$NET" run --name c busybox sh -c 'echo extra >> /etc/nutshell-image; mv /etc/hosts.d /tmp 2>/dev/null; busybox rm -rf /bin; busybox ls /bin'
	[ "$status" -ne 0 ]
	id=$(container_id c)
	# the changed file is a whole copy in upper/, the image's is unchanged
	[ "$(tail -n 1 "$NUTSHELL_CONTAINERS/$id/upper/etc/nutshell-image")" = extra ]
	[ "$(find "$IMAGE" -type f -exec sha256sum {} + | sort)" = "$before" ]
	run "$NET" run --rm busybox ls /bin/sh
	[ "$status" -eq 0 ]
	"$NET" rm c
}

@test "ps: docker's columns and words; the ports it publishes while it runs; -q; --no-trunc" {
	local id
	id=$("$NET" run -d --name cols -p 8080:80 busybox sh -c 'sleep 100 # and a comment')
	run "$NET" ps
	[[ ${lines[0]} =~ ^CONTAINER\ ID\ +IMAGE\ +COMMAND\ +CREATED\ +STATUS\ +PORTS\ +NAMES$ ]]
	[[ ${lines[1]} =~ ^$id\ +busybox\ +'"sh -c sleep 100 # a…"'\ +.*' ago'\ +'Up '.*'0.0.0.0:8080->80/tcp'\ +cols$ ]]
	run "$NET" ps -q
	[ "$output" = "$id" ]
	run "$NET" ps --no-trunc
	[[ ${lines[1]} == *'"sh -c sleep 100 # and a comment"'* ]]
	"$NET" stop -t 0 cols >/dev/null
	run "$NET" ps -a
	[[ ${lines[1]} =~ 'Exited (137) '.*' ago'\ +cols$ ]] # no ports: none published now
	"$NET" rm cols >/dev/null
}

@test "after the end: ps -a shows it exited with its code; rm removes every trace; --rm does it itself" {
	run "$NET" run --name ended busybox sh -c 'exit 7'
	[ "$status" -eq 7 ]
	run "$NET" ps
	[ "${#lines[@]}" -eq 1 ] # a header only: nothing runs
	run "$NET" ps -a
	[ "${#lines[@]}" -eq 2 ]
	[[ ${lines[1]} == *" Exited (7) "*" ended" ]]
	[ "$(state_of "$(container_id ended)" exit_code)" = 7 ]
	run "$NET" rm ended
	[ "$status" -eq 0 ]
	assert_no_containers
	run "$NET" run --rm busybox true
	[ "$status" -eq 0 ]
	assert_no_containers
}

@test "-d: ps shows it running, logs its output, stop ends it although it ignores SIGTERM; then nothing of it is left" {
	local id monitor cgroup pid
	run "$NET" run -d --name bg busybox sh -c 'echo started; exec sleep 1000'
	[ "$status" -eq 0 ]
	id=$output
	[[ $id =~ ^[0-9a-f]{12}$ ]]
	[ "$(state_of "$id" status)" = running ]
	# root's alone: its directory, state, environment, log and lock
	[ "$(stat -c %a "$NUTSHELL_CONTAINERS/$id" "$NUTSHELL_CONTAINERS/$id"/{state,env,log,lock} |
		sort -u | paste -sd ' ')" = "600 700" ]
	run "$NET" ps
	[[ ${lines[1]} == "$id "*" Up "*" bg" ]]
	[ "$(state_of "$id" address)" = 10.219.0.2 ]
	eventually grep -qx started "$NUTSHELL_CONTAINERS/$id/log"
	run "$NET" logs bg
	[ "$output" = started ]
	pid=$(state_of "$id" pid)
	monitor=$(state_of "$id" monitor)
	cgroup=$(cgroup_dir "$pid" pids)
	[ -d "$cgroup" ]
	# sleep as PID 1 has no handler: SIGTERM is dropped, SIGKILL is not
	run "$NET" stop -t 1 bg
	[ "$status" -eq 0 ]
	[ "$(state_of "$id" status)" = exited ]
	[ "$(state_of "$id" exit_code)" = 137 ]
	# stop returns when the runtime lets go of the lock, as it exits
	gone "$pid"
	eventually gone "$monitor"
	[ ! -e "$cgroup" ]
	run "$NET" rm bg
	assert_no_containers
}

@test "exec: the container's PID 1, hostname, files, address and cgroup; its exit code; not into an exited or unknown one" {
	"$NET" run -d --name ex --hostname web1 busybox sh -c 'echo here > /f; exec sleep 1000'
	eventually "$NET" exec ex test -e /f
	run "$NET" exec ex sh -c 'cat /proc/1/cmdline | tr "\0" " "; echo; hostname; cat /f; '"$(eth0_address)"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'sleep 1000 \nweb1\nhere\n10.219.0.2')" ]
	# in the container's cgroup: its cgroup namespace shows it as "/"
	assert_cgroupns_root "$NET" exec ex
	run "$NET" exec ex sh -c 'exit 5'
	[ "$status" -eq 5 ]
	run -127 "$NET" exec ex no-such-command
	run "$NET" rm -f ex
	[ "$status" -eq 0 ]
	run "$NET" run --name gone busybox true
	run "$NET" exec gone true
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	run "$NET" exec 0123456789ab true
	[ "$status" -eq 125 ]
	"$NET" rm gone
}

@test "a monitor killed with SIGKILL: ps says dead; rm -f removes the directory, the cgroup, the lease" {
	local id monitor cgroup
	id=$("$NET" run -d -p 8080:80 busybox sleep 1000)
	monitor=$(state_of "$id" monitor)
	cgroup=$(cgroup_dir "$(state_of "$id" pid)" pids)
	kill -KILL "$monitor"
	run "$NET" ps -a
	[[ ${lines[1]} == "$id "*" Dead "* ]]
	run "$NET" exec "$id" true
	[ "$status" -eq 125 ]
	run "$NET" rm -f "$id"
	[ "$status" -eq 0 ]
	[ ! -e "$cgroup" ]
	assert_no_containers
	# the lease and the DNAT rule: net_teardown checks them
}

@test "a monitor killed with SIGKILL: scripts/cleanup --containers removes it" {
	local id cgroup pid
	id=$("$NET" run -d busybox sleep 1000)
	pid=$(state_of "$id" pid)
	cgroup=$(cgroup_dir "$pid" pids)
	kill -KILL "$(state_of "$id" monitor)"
	# the container dies with its runtime, a moment later
	eventually gone "$pid"
	run in_host scripts/cleanup --containers
	[ "$status" -eq 0 ]
	[ ! -e "$cgroup" ]
	assert_no_containers
}

@test "-v binds a host directory, :ro read-only; -e reaches the command, the host's environment does not" {
	mkdir "$BATS_TEST_TMPDIR/vol"
	echo host-data >"$BATS_TEST_TMPDIR/vol/in"
	run env SECRET_TOKEN=x "$RUN" -v "$BATS_TEST_TMPDIR/vol:/data:ro" -v "$BATS_TEST_TMPDIR/vol:/new/dir" \
		-e GREETING=hello -e SECRET_TOKEN busybox sh -c 'cat /data/in; touch /data/x; touch /new/dir/out; env | sort'
	[ "${lines[0]}" = host-data ]
	[[ ${lines[1]} == *"/data/x"*"Read-only file system" ]]
	[ -e "$BATS_TEST_TMPDIR/vol/out" ]
	[ ! -e "$BATS_TEST_TMPDIR/vol/x" ]
	[[ $output == *$'\nGREETING=hello\n'* ]]
	[[ $output == *$'\nHOME=/root\nHOSTNAME=nutshell\n'* ]]
	[[ $output == *$'\nPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n'* ]]
	[[ $output == *$'\nSECRET_TOKEN=x\n'* ]] # asked for with -e
	run env SECRET_TOKEN=x "$RUN" busybox env
	[[ $output != *SECRET_TOKEN* ]]
	[[ $output != *NUTSHELL* ]] # the runtime's own settings neither
	# a read-only volume keeps its source's nosuid, nodev and noexec (a
	# tmpfs of a mount namespace of the test's own)
	run unshare -m sh -c 'mount -t tmpfs -o nosuid,nodev,noexec vol "$1" && exec "$2" -v "$1:/d:ro" busybox grep " /d " /proc/self/mountinfo' \
		_ "$BATS_TEST_TMPDIR/vol" "$RUN"
	[ "$status" -eq 0 ]
	[[ $output == *" /d ro,nosuid,nodev,noexec"* ]]
	# and so is a mount below the directory, which the bind brings along
	mkdir "$BATS_TEST_TMPDIR/vol/sub"
	run unshare -m sh -c 'mount -t tmpfs sub "$1/sub" && exec "$2" -v "$1:/d:ro" busybox sh -c "grep \" /d/sub \" /proc/self/mountinfo; touch /d/sub/x"' \
		_ "$BATS_TEST_TMPDIR/vol" "$RUN"
	[ "$status" -eq 1 ]
	[[ ${lines[0]} == *" /d/sub ro,"* ]]
	[[ ${lines[1]} == *"/d/sub/x"*"Read-only file system" ]]
}

@test "--init: sleep ends on SIGINT and on stop at once; an orphan is reaped; PID 1 keeps no host environment" {
	local id pid
	id=$("$NET" run -d --init busybox sleep 1000)
	pid=$(state_of "$id" pid)
	kill -INT "$pid"
	"$NET" stop -t 1000 "$id" # returns when the runtime is done
	[ "$(state_of "$id" exit_code)" = 130 ]
	id=$("$NET" run -d --init busybox sleep 1000)
	"$NET" stop -t 1000 "$id"
	[ "$(state_of "$id" exit_code)" = 143 ] # SIGTERM, not SIGKILL
	# the orphan ends at once; its /proc entry goes when the init has
	# reaped it, which a loaded host may delay: a deadline, not a sleep
	run env SECRET_TOKEN=x "$RUN" --init -e PASSWORD=hunter2 busybox sh -c 'sh -c "sleep 0.1 & echo \$! >/tmp/orphan"
		i=0; while [ -e /proc/$(cat /tmp/orphan) ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
		[ -e /proc/$(cat /tmp/orphan) ] && echo "zombie $(ps -o stat,comm)" || echo reaped
		tr "\0" "\n" </proc/1/environ; tr "\0" "\n" </proc/1/cmdline'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = reaped ]
	[[ $output != *SECRET_TOKEN* ]]
	[[ $output != *hunter2* ]]
	run "$NET" ps -a
	# shellcheck disable=SC2046 # one id a word
	"$NET" rm -f $(awk 'NR > 1 { print $1 }' <<<"$output")
}

@test "import: a tarball of the busybox image is a second image that runs; absolute and .. members are refused" {
	local name=import-$$-$BATS_SUITE_TEST_NUMBER
	# shellcheck disable=SC2034 # common_teardown removes it
	TEST_IMAGE=$name
	tar -C "$IMAGE" -cf "$BATS_TEST_TMPDIR/bb.tar" .
	run "$NET" import "$BATS_TEST_TMPDIR/bb.tar" "$name"
	[ "$status" -eq 0 ]
	run "$RUN" "$name" cat /etc/nutshell-image
	[ "$output" = "$(cat "$IMAGE/etc/nutshell-image")" ]
	run "$NET" images
	[[ $output == *$'\n'"$name "* ]]
	rm -rf "${REPO:?}/images/$name"
	# members that point out of the new image
	python3 - "$BATS_TEST_TMPDIR" <<'PY'
import io, sys, tarfile
for name, member in (("dots", "../../escaped"), ("abs", sys.argv[1] + "/escaped")):
    with tarfile.open(f"{sys.argv[1]}/{name}.tar", "w") as t:
        for n in ("ok", member):
            i = tarfile.TarInfo(n)
            i.size = 1
            t.addfile(i, io.BytesIO(b"x"))
PY
	run "$NET" import "$BATS_TEST_TMPDIR/dots.tar" "$name"
	[ "$status" -eq 125 ]
	[[ $output == *../../escaped* ]]
	run "$NET" import "$BATS_TEST_TMPDIR/abs.tar" "$name"
	[ "$status" -eq 125 ]
	[ ! -e "$REPO/images/$name" ]
	[ ! -e "$REPO/escaped" ]
	[ ! -e "$BATS_TEST_TMPDIR/escaped" ]
	run find "$REPO/images" -maxdepth 1 -name ".$name*"
	[ "$output" = "" ]
}

@test "import: a tarball's set-uid root file and device node are out of every other user's reach; the image, root's alone, runs" {
	local name=hostile-$$-$BATS_SUITE_TEST_NUMBER tarball=$BATS_TEST_TMPDIR/hostile.tar
	# shellcheck disable=SC2034 # common_teardown removes it
	TEST_IMAGE=$name
	tar -C "$IMAGE" -cf "$tarball" .
	# a set-uid root copy of busybox, a disk's device node open to all,
	# and a top directory that claims to be uid 1000's, mode 0777
	python3 - "$tarball" "$IMAGE/bin/busybox" <<-'PY'
		import sys, tarfile
		with tarfile.open(sys.argv[1], "a") as t:
		    top = tarfile.TarInfo("./")
		    top.type, top.mode, top.uid = tarfile.DIRTYPE, 0o777, 1000
		    t.addfile(top)
		    suid = t.gettarinfo(sys.argv[2], "bin/suid-sh")
		    suid.mode, suid.uid, suid.gid = 0o4755, 0, 0
		    with open(sys.argv[2], "rb") as f:
		        t.addfile(suid, f)
		    disk = tarfile.TarInfo("disk")
		    disk.type, disk.mode, disk.devmajor, disk.devminor = tarfile.BLKTYPE, 0o666, 7, 0
		    t.addfile(disk)
	PY
	run strace -f -qq -e trace=mkdir -e signal=none "$NET" import "$tarball" "$name"
	[ "$status" -eq 0 ]
	# unpacked below a directory only root may enter, from its creation on
	[[ $output == *"mkdir(\"$REPO/images/.$name."*"\", 0700) = 0"* ]]
	[[ $output == *"/rootfs\", 0700) = 0"* ]]
	[ "$(stat -c '%a %u %g' "images/$name")" = "700 0 0" ]
	run find images -maxdepth 1 -name ".$name*"
	[ "$output" = "" ]
	# another user reaches none of it
	run setpriv --reuid=65534 --regid=65534 --clear-groups -- \
		sh -c "ls images/$name/; test -e images/$name/bin/suid-sh && echo reached; cat images/$name/disk && echo read"
	[[ $output != *reached* ]]
	[[ $output != *read* ]]
	# the container sees what the tarball says, and "/" as its upper
	# layer's, 0755
	run "$RUN" "$name" stat -c '%a %u %F' / /bin/suid-sh /disk
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '755 0 directory\n4755 0 regular file\n666 0 block special file')" ]
}

@test "attack: the image's symlinks lead nowhere on the host; a FIFO where a file is mounted is refused at once" {
	local img=$BATS_TEST_TMPDIR/hostile host=$BATS_TEST_TMPDIR/host-dir
	mkdir "$host"
	copy_image "$img"
	# /etc a symlink to a directory of the host: the runtime would make
	# its hosts, hostname and resolv.conf there, as root
	mv "$img/etc" "$img/etc.real"
	ln -s "$host" "$img/etc"
	run "$NET" run --rm "$img" true
	[ "$status" -eq 125 ]
	[ -z "$(ls -A "$host")" ]
	# /etc/hosts and /etc/hostname leading out, absolutely and with ..:
	# resolved inside the image, as if it were "/"
	rm "$img/etc"
	mv "$img/etc.real" "$img/etc"
	mkdir -p "$img$host"
	ln -sf "$host/hosts" "$img/etc/hosts"
	ln -sf "../../../../../../../../..$host/hostname" "$img/etc/hostname"
	run "$NET" run --rm --hostname web1 "$img" cat /etc/hostname "$host/hostname"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'web1\nweb1')" ]
	[ -z "$(ls -A "$host")" ]
	[ -z "$(ls -A "$img$host")" ]
	# a FIFO: opened to mount on, it would block the runtime for ever
	rm "$img/etc/hosts"
	mkfifo "$img/etc/hosts"
	run timeout 20 "$NET" run --rm "$img" true
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	assert_no_containers
}

@test "-v: a target that is a symlink of the image, or below one, is never followed: 125, nothing made on the host" {
	local img=$BATS_TEST_TMPDIR/hostile host=$BATS_TEST_TMPDIR/host-dir vol=$BATS_TEST_TMPDIR/vol
	mkdir "$host" "$vol"
	copy_image "$img"
	ln -s "$host" "$img/abs"
	ln -s "../../../../../../../..$host" "$img/rel"
	local target
	for target in /abs /abs/x /rel/x/y; do
		run "$NET" run --rm -v "$vol:$target" "$img" true
		[ "$status" -eq 125 ]
		[ "${#lines[@]}" -eq 1 ]
	done
	[ -z "$(ls -A "$host")" ]
	assert_no_containers
}

@test "hostile values: an IMAGE path, a command and -e with newlines, =, non-UTF-8 bytes, 2000 characters: stored as given, no state line forged" {
	local dir=$BATS_TEST_TMPDIR img canary id i vol long
	# a process of the test's: a forged pid= would have stop signal it
	sleep 1000 3>&- &
	canary=$!
	for i in $(seq 9); do
		dir+=/$(printf "d$i%.0s" $(seq 100))
	done
	img=$dir/$(printf 'img\npid=%s\ncaps=1ffffffffff\nseccomp=0\nno_new_privs=0\r=\xff' "$canary")
	mkdir -p "$dir"
	cp -a "$IMAGE" "$img"
	vol=$BATS_TEST_TMPDIR/$'vol\npid=1=\xff'
	mkdir "$vol"
	long=$(printf 'v%.0s' $(seq 65536))
	run "$NET" run -d --name hostile -e $'MULTI=a\nb=c' -e "LONG=$long" -e $'BYTES=\xff\r' \
		-v "$vol:/vol" "$img" sh -c 'exec sleep 1000' $'x\npid=1' $'\xfe'
	[ "$status" -eq 0 ]
	id=$output
	# every key once
	[ -z "$(cut -d= -f1 "$NUTSHELL_CONTAINERS/$id/state" | sort | uniq -d)" ]
	# ps: one line, and the values escaped in it
	run "$NET" ps --no-trunc
	[ "${#lines[@]}" -eq 2 ]
	[[ ${lines[1]} == *"$(escaped "$img")"* ]]
	[[ ${lines[1]} == *'"sh -c exec sleep 1000 x\npid=1 '* ]]
	# exec: the container's namespaces, environment and volume
	run "$NET" exec hostile sh -c 'hostname; echo "$MULTI"; touch /vol/made'
	[ "$output" = "$(printf 'nutshell\na\nb=c')" ]
	[ -e "$vol/made" ]
	run "$NET" exec hostile sh -c 'echo "$LONG"'
	[ "$output" = "$long" ]
	run "$NET" exec hostile sh -c 'echo "$BYTES"'
	[ "$output" = $'\xff\r' ]
	if [ "$(step_under_test 09-overlay)" = 10-caps-seccomp ]; then
		assert_hardened "$NET" exec hostile
	fi
	run "$NET" stop -t 0 hostile
	[ "$status" -eq 0 ]
	running "$canary"
	run "$NET" rm hostile
	[ "$status" -eq 0 ]
	running "$canary"
	kill "$canary"
	assert_no_containers
}

@test "hostile values: every option that names something closed refuses a newline, a carriage return, 2000 characters: one line, 125, nothing made" {
	local long bad opt
	long=$(printf 'x%.0s' $(seq 2000))
	for bad in $'web\n1' $'web\r' "$long"; do
		for opt in --name --hostname --network --publish --cap-add --cap-drop --security-opt; do
			run "$NET" run "$opt" "$bad" busybox true
			[ "$status" -eq 125 ]
			[ "${#lines[@]}" -eq 1 ]
		done
		run "$NET" run -v "/tmp:$bad" busybox true
		[ "$status" -eq 125 ]
		[ "${#lines[@]}" -eq 1 ]
	done
	assert_no_containers
}

@test "rm: a container's 1200-level tree goes with 64 descriptors; an rm cut short leaves it named, and a second rm finishes" {
	local id busy
	# one mkdir (a process per level is slow in an emulated VM)
	run "$NET" run --name deep busybox sh -c 'p=d i=1; while [ $i -lt 1200 ]; do p=$p/d i=$((i + 1)); done; mkdir -p $p'
	[ "$status" -eq 0 ]
	id=$(container_id deep)
	# cut short: a mount in its upper layer (EBUSY), where the runtime
	# does not go
	busy=$NUTSHELL_CONTAINERS/$id/upper/busy
	mkdir "$busy"
	mount -t tmpfs busy "$busy"
	run bash -c 'ulimit -n 64 && exec "$@"' _ "$NET" rm deep
	umount "$busy"
	[ "$status" -eq 125 ]
	[ ! -e "$NUTSHELL_CONTAINERS/$id/upper/d" ]
	run "$NET" ps -a
	[[ ${lines[1]} == "$id "*" deep" ]]
	run bash -c 'ulimit -n 64 && exec "$@"' _ "$NET" rm deep
	[ "$status" -eq 0 ]
	assert_no_containers
}

@test "10 containers at once from one image all work; rm of all of them leaves nothing" {
	local i
	for i in $(seq 10); do
		"$NET" run --name "many$i" busybox sh -c "echo $i > /mine; sleep 0.5; cat /mine" \
			>"$BATS_TEST_TMPDIR/many$i" 2>&1 &
	done
	wait
	for i in $(seq 10); do
		[ "$(cat "$BATS_TEST_TMPDIR/many$i")" = "$i" ]
	done
	run "$NET" ps -a
	[ "$(grep -c 'Exited (0)' <<<"$output")" -eq 10 ]
	# shellcheck disable=SC2046 # one name a word
	run "$NET" rm $(printf 'many%d ' $(seq 10))
	[ "$status" -eq 0 ]
	assert_no_containers
}

@test "bad names and ids, a taken name, a missing image: one line, 125, nothing made" {
	local bad
	for bad in ../x a/b "" "$(printf 'x%.0s' $(seq 65))" .hidden $'a\nb'; do
		run "$NET" run --name "$bad" busybox true
		[ "$status" -eq 125 ]
		[ "${#lines[@]}" -eq 1 ]
		run "$NET" rm "$bad"
		[ "$status" -eq 125 ]
		run "$NET" exec "$bad" true
		[ "$status" -eq 125 ]
		run "$NET" import /dev/null "$bad"
		[ "$status" -eq 125 ]
	done
	# a hostname is RFC 1123's: a newline would be a line of /etc/hosts
	for bad in $'web1\n10.0.0.1 evil' -web1 web_1 a..b; do
		run "$NET" run --hostname "$bad" busybox true
		[ "$status" -eq 125 ]
		[ "${#lines[@]}" -eq 1 ]
	done
	run "$NET" run no-such-image true
	[ "$status" -eq 125 ]
	[ "${#lines[@]}" -eq 1 ]
	run "$NET" run -v /no/such/dir:/x busybox true
	[ "$status" -eq 125 ]
	run "$NET" run -v /tmp:/../x busybox true
	[ "$status" -eq 125 ]
	assert_no_containers
	"$NET" run --name taken busybox true
	run "$NET" run --name taken busybox true
	[ "$status" -eq 125 ]
	[[ $output == *taken* ]]
	run "$NET" rm taken
	assert_no_containers
	run "$NET" rm no-such-container
	[ "$status" -eq 125 ]
	run "$NET" frobnicate
	[ "$status" -eq 125 ]
}

@test "run -d of a command that cannot start: its error, 125, and no container" {
	run "$NET" run -d busybox no-such-command
	[ "$status" -eq 125 ]
	[[ $output == *"exec \`no-such-command\`"* ]]
	run "$NET" run -d --init busybox no-such-command
	[ "$status" -eq 125 ]
	[[ $output == *"exec \`no-such-command\`"* ]]
	# a volume on a file of the image: the child fails before its exec
	run "$NET" run -d -v "$BATS_TEST_TMPDIR:/etc/passwd" busybox true
	[ "$status" -eq 125 ]
	[[ $output == *"/etc/passwd"* ]]
	eventually assert_no_containers
}

@test "a running container is not removed without -f; rm -f kills it first" {
	local id pid
	id=$("$NET" run -d busybox sleep 1000)
	pid=$(state_of "$id" pid)
	run "$NET" rm "$id"
	[ "$status" -eq 125 ]
	[ -e "/proc/$pid" ]
	run "$NET" rm -f "$id"
	[ "$status" -eq 0 ]
	[ ! -e "/proc/$pid" ]
	assert_no_containers
}

@test "two overlays on one upper directory: EBUSY with the index on; with it off, the second mount is made" {
	requires strace
	local d=$BATS_TEST_TMPDIR/shared
	mkdir -p "$d"/{lower,upper,work,work2,a,b}
	# in a mount namespace of the test's own, which the overlays leave with
	# shellcheck disable=SC2016 # the inner shell's arguments
	run unshare -m sh -c 'o="lowerdir=$1/lower,upperdir=$1/upper"
		mount -t overlay overlay -o "index=on,$o,workdir=$1/work" "$1/a" || exit
		strace -qq -e trace=mount -e signal=none mount -t overlay overlay -o "index=on,$o,workdir=$1/work2" "$1/b"
		mount -t overlay overlay -o "index=off,$o,workdir=$1/work2" "$1/b" && echo mounted' _ "$d"
	[[ $output == *"mount(\"overlay\", \"$d/b\", \"overlay\", 0, \"index=on,"*") = -1 EBUSY (Device or resource busy)"* ]]
	[ "${lines[-1]}" = mounted ]
}

@test "a containers' directory on overlayfs is refused: 125, nothing made" {
	local o=$BATS_TEST_TMPDIR/ovl
	mkdir -p "$o/lower" "$o/upper" "$o/work" "$o/merged"
	unshare -m bash -c 'mount -t overlay overlay -o "lowerdir=$1/lower,upperdir=$1/upper,workdir=$1/work" "$1/merged" &&
		NUTSHELL_CONTAINERS=$1/merged/containers exec "$2" run busybox true' _ "$o" "$NET" \
		>"$BATS_TEST_TMPDIR/out" 2>&1 || status=$?
	[ "$status" -eq 125 ]
	[[ $(cat "$BATS_TEST_TMPDIR/out") == *overlayfs* ]]
	[ "$(wc -l <"$BATS_TEST_TMPDIR/out")" -eq 1 ]
	# the directory itself was made; nothing in it
	run find "$o/upper/containers" -mindepth 1
	[ "$output" = "" ]
}

@test "a state file cut short: ps lists it as unknown, rm removes it by its id" {
	local dir=$NUTSHELL_CONTAINERS/0123456789ab
	mkdir -p "$dir"
	printf 'id=0123456789ab\nname=half\nimage=busy' >"$dir/state"
	run "$NET" ps -a
	[ "$status" -eq 0 ]
	[[ ${lines[1]} == "0123456789ab "*" Unknown "* ]]
	run "$NET" rm half
	[ "$status" -eq 125 ]
	run "$NET" rm 0123456789ab
	[ "$status" -eq 0 ]
	assert_no_containers
}

@test "exec: the command gets the container's environment (run's -e, PATH, HOSTNAME, HOME, TERM), none of the caller's" {
	local id
	id=$(env TERM=xterm "$NET" run -d --hostname web1 -e FROM_RUN=1 busybox sleep 1000)
	run env CALLER_SECRET=x TERM=dumb HOME=/caller "$NET" exec "$id" env
	"$NET" rm -f "$id"
	[ "$status" -eq 0 ]
	[ "$(sort <<<"$output")" = "$(printf '%s\n' FROM_RUN=1 HOME=/root HOSTNAME=web1 \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin TERM=xterm)" ]
}

@test "8 runs at once with one --name: one wins, the others fail with 125, the name taken; rm leaves nothing" {
	requires strace
	local i pid pids=() code won=0 lost=0
	mkdir "$BATS_TEST_TMPDIR/race"
	# Each stops itself, then all go on at once. strace holds each
	# runtime for 0.5 s in its first rename(), the one that puts its new
	# container's state file in place: the others look for the name
	# meanwhile, and must wait for that (the containers' lock).
	for i in $(seq 8); do
		sh -c 'kill -STOP $$ && exec "$@"' _ strace -f -qq -o /dev/null -e signal=none \
			-e trace=rename,renameat,renameat2 \
			-e inject=rename,renameat,renameat2:delay_enter=500000:when=1 \
			"$NET" run --name same busybox true >"$BATS_TEST_TMPDIR/race/$i" 2>&1 3>&- &
		pids+=($!)
	done
	for pid in "${pids[@]}"; do
		eventually grep -q '^State:.*stopped' "/proc/$pid/status"
	done
	kill -CONT "${pids[@]}"
	for i in $(seq 8); do
		code=0
		wait "${pids[i - 1]}" || code=$?
		if [ "$code" -eq 0 ]; then
			won=$((won + 1))
		else
			[ "$code" -eq 125 ]
			grep -q taken "$BATS_TEST_TMPDIR/race/$i"
			lost=$((lost + 1))
		fi
	done
	[ "$won" -eq 1 ]
	[ "$lost" -eq 7 ]
	run "$NET" ps -a
	[ "${#lines[@]}" -eq 2 ]
	[[ ${lines[1]} == *" same" ]]
	run "$NET" rm same
	[ "$status" -eq 0 ]
	assert_no_containers
}

@test "carried from 08: -p 8080:80: a client outside reaches the container's server through the host, whose FORWARD policy is DROP" {
	carried # tests/10-caps-seccomp.bats runs 08-net.bats's
	make_outside
	in_host iptables -P FORWARD DROP
	start_container "$RUN" -p 8080:80 --hostname served-from-inside busybox httpd -f -p 80 -h /etc
	# (a connection the host drops would wait minutes: timeout)
	run timeout 10 ip netns exec "$OUTNS" bash -c 'for i in 1 2 3 4 5; do exec 3<>/dev/tcp/192.0.2.1/8080 && break; sleep 0.2; done; printf "GET /hostname HTTP/1.0\r\n\r\n" >&3; cat <&3'
	kill -KILL "$CONTAINER_PID"
	wait_runtime
	[ "${lines[-1]}" = served-from-inside ]
}

@test "-h: the usage with every verb; without root: one line, 125" {
	own_program 09-overlay
	run "$NET" --help
	[ "$status" -eq 0 ]
	local verb
	for verb in run ps exec logs stop rm images import; do
		[[ $output == *" $verb "* ]]
	done
	assert_needs_root ./bin/09-overlay run --network none busybox
	run setpriv --reuid=65534 --regid=65534 --clear-groups -- "$(for_others bin/09-overlay)" ps
	[ "$status" -eq 125 ]
}

@test "property of 09: the command's environment is docker's, not the runtime's" {
	carried
	assert_clean_environment "$RUN" busybox
}

@test "make diff STEP=09 shows the overlay" {
	own_program 09-overlay
	run make diff STEP=09
	[ "$status" -eq 0 ]
	[[ $output == *'+	if (mount("overlay", cfg->merged, "overlay", 0, options) == -1)'* ]]
}

# The properties of earlier steps, re-asserted for this one (helpers.bash),
# with `run --rm` in the test's network namespace.

@test "carried from 02: a script without \"#!\" and 150000 arguments runs: the stack fits them" {
	carried
	copy_image "$BATS_TEST_TMPDIR/rootfs"
	assert_big_argv "$RUN" "$BATS_TEST_TMPDIR/rootfs"
}

@test "carried from 04: /proc is a proc mount, nosuid, nodev, noexec" {
	carried
	assert_proc_mounted "$RUN" busybox
}

@test "carried from 04: SIGTERM and SIGHUP are passed on; the runtime exits as the command did" {
	carried
	assert_forwards_signals "$RUN" busybox
}

@test "carried from 05: its own IPC, mount, network, PID, UTS and cgroup namespaces" {
	carried
	assert_own_namespaces "cgroup ipc mnt net pid uts" "$RUN" busybox
}

@test "carried from 05: PID 1, and a hostname of its own" {
	carried
	assert_pid1_and_hostname "$RUN" busybox
}

@test "carried from 06: under a shared /, a mount made inside stays inside" {
	carried
	assert_mounts_stay_inside "$RUN" busybox
}

@test "carried from 06: pivot_root: the chroot escape finds no way out" {
	carried
	assert_no_chroot_escape "$RUN"
}

@test "carried from 06: its own private mounts: /proc, read-only /sys, a /dev with its nodes" {
	carried
	assert_standard_mounts "$RUN" busybox
}

@test "carried from 06: the image is left exactly as it was" {
	carried
	assert_image_unchanged "$RUN" busybox
}

@test "carried from 07: a cgroup of its own, with every limit asked for" {
	carried
	assert_cgroup_limits "$RUN"
}

@test "carried from 07: in its cgroup before it runs anything: the order of system calls" {
	carried
	assert_cgroup_before_exec "$RUN"
}

@test "carried from 07: no memory controller in the cgroup tree: 125, the kernel's ENOENT, a hint; nothing left" {
	carried
	assert_missing_controller "$RUN"
}

@test "carried from 07: its cgroup namespace shows its own cgroup as /" {
	carried
	assert_cgroupns_root "$RUN" busybox
}

@test "carried from 07: a run in another PID namespace takes no cgroup for stale, and names its own after its namespace too" {
	carried
	assert_sweeps_only_what_it_sees "$RUN"
}

@test "carried from 07: a runtime killed with SIGKILL takes its container along" {
	carried
	assert_dies_with_runtime "$RUN"
}

@test "carried from 08: --network none: lo alone, and up" {
	carried
	assert_network_none "$RUN"
}

@test "carried from 08: bridge: eth0, its address, the default route; a neighbour answers" {
	carried
	assert_bridge_network "$RUN"
}

@test "carried from 08: /etc/hosts, hostname and resolv.conf are the runtime's; the image's stay as they are" {
	carried
	assert_etc_files "$RUN"
}

@test "Try it: the problem: two runs of 08 on one copied rootfs see each other's writes" {
	own_program 09-overlay
	make -s step-08
	run try_it "$(
		cat <<'EOF'
cp -a images/busybox /tmp/rootfs
./bin/08-net --network none /tmp/rootfs /bin/sh -c 'echo written by the first > /etc/note; rm /etc/passwd'
./bin/08-net --network none /tmp/rootfs /bin/sh -c 'cat /etc/note; ls /etc/passwd'
echo "status $?"
EOF
	)"
	echo "$output" >&2
	[ "$output" = "$(printf 'written by the first\nls: /etc/passwd: No such file or directory\nstatus 1')" ]
}

@test "Try it: overlayfs by hand: a new file, a changed file, a copy-up, a whiteout, an opaque directory, one workdir for two mounts" {
	own_program 09-overlay
	run try_it "$(
		cat <<'EOF'
mkdir /tmp/ovl && cd /tmp/ovl
mkdir lower upper work merged
echo 'from the image' > lower/a
echo 'from the image' > lower/b
mkdir lower/dir && touch lower/dir/x
dd if=/dev/zero of=lower/big bs=1M count=64 status=none
mount -t overlay overlay -o lowerdir=lower,upperdir=upper,workdir=work merged
ls merged
echo new > merged/c
ls lower upper
echo more >> merged/c
cat upper/c
echo changed >> merged/a
cat lower/a
cat upper/a
echo x >> merged/big
du -sh lower/big upper/big
rm merged/b
ls merged
ls -l upper/b
rm -r merged/dir && mkdir merged/dir
ls merged/dir lower/dir
python3 -c 'import os; print("opaque", os.getxattr("upper/dir", "trusted.overlay.opaque"))'
umount merged
ls work
mkdir upper2 merged2
mount -t overlay overlay -o lowerdir=lower,upperdir=upper,workdir=work,index=on merged
mount -t overlay overlay -o lowerdir=lower,upperdir=upper2,workdir=work,index=on merged2 || echo "status $?"
mount -t overlay overlay -o lowerdir=lower,upperdir=upper2,workdir=work,index=off merged2
umount merged merged2
cd / && rm -rf /tmp/ovl
EOF
	)"
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[[ $output == $'a\nb\nbig\ndir\nlower:\na\nb\nbig\ndir\n\nupper:\nc\n'* ]]
	[[ $output == *$'\nnew\nmore\nfrom the image\nfrom the image\nchanged\n'* ]]
	# the whole file was copied up for one byte
	local du=$'\n64M\tlower/big\n6[45]M\tupper/big\n'
	[[ $output =~ $du ]]
	[[ $output == *$'\na\nbig\nc\ndir\nc--------- '*' 0, 0 '*$' upper/b\n'* ]]
	[[ $output == *$'\nlower/dir:\nx\n\nmerged/dir:\nopaque b\'y\'\nwork\n'* ]]
	# one workdir, two mounts: EBUSY with index=on, only a warning without
	[[ $output == *$'\nstatus 32' ]]
}

@test "Try it: the chapter's commands: run, ps, exec, the upper layer, stop, --init, logs, rm, -e and -v, import" {
	own_program 09-overlay
	run try_it "$(
		cat <<'EOF'
./bin/09-overlay run --name web -d busybox httpd -f -p 80 -h /etc
# the reader types the next commands later: wait until httpd listens
# (port 80, state 0A, in its /proc/net/tcp)
pid=$(sed -n 's/^pid=//p' containers/*/state)
for i in $(seq 100); do
	grep -q ':0050 00000000:0000 0A' /proc/$pid/net/tcp && break
	sleep 0.05
done
./bin/09-overlay ps
./bin/09-overlay exec web ps
./bin/09-overlay run --rm busybox wget -qO- http://10.219.0.2/hostname
./bin/09-overlay exec web sh -c 'echo changed >> /etc/os-release; rm /etc/group; mkdir /data'
ls -l containers/*/upper containers/*/upper/etc
./bin/09-overlay run --rm busybox ls /data /etc/group
echo "status $?"
./bin/09-overlay stop -t 3 web
./bin/09-overlay run -d --init --name web2 busybox httpd -f -p 80 -h /etc
# until the init has forked httpd, which listens: a SIGTERM sent earlier
# would be lost (the init has no handler yet, or no command to pass it to)
pid=$(sed -n 's/^pid=//p' $(grep -lx name=web2 containers/*/state))
for i in $(seq 100); do
	grep -q ':0050 00000000:0000 0A' /proc/$pid/net/tcp && break
	sleep 0.05
done
./bin/09-overlay stop web2
./bin/09-overlay run -d --name hello busybox echo hello from the log
# and until its monitor has recorded its end
for i in $(seq 100); do
	grep -qx status=exited $(grep -lx name=hello containers/*/state) && break
	sleep 0.05
done
./bin/09-overlay ps -a
./bin/09-overlay logs hello
./bin/09-overlay rm web web2 hello
echo "left: $(ls containers)"
./bin/09-overlay run --rm -e GREETING=hello -v /tmp:/hosttmp:ro busybox sh -c 'env; touch /hosttmp/x'
echo "status $?"
tar -C images/busybox -cf /tmp/busybox.tar .
./bin/09-overlay import /tmp/busybox.tar mybox
./bin/09-overlay images
./bin/09-overlay run --rm --network none mybox cat /etc/os-release
rm -rf images/mybox /tmp/busybox.tar
EOF
	)"
	echo "$output" >&2
	[ "$status" -eq 0 ]
	[[ ${lines[0]} =~ ^[0-9a-f]{12}$ ]]
	[[ ${lines[2]} == "${lines[0]}   busybox   \"httpd -f -p 80 -h /…\"   "*" Up "*"   web" ]]
	[[ $output == *$'\n    1 root     httpd -f -p 80 -h /etc\n'*$' root     ps\nnutshell\n'* ]]
	# the upper layer: the new directory, a whiteout, a copy of the file
	[[ $output == *$' data\n'*$'\nc--------- '*' 0, 0 '*$' group\n'*$' os-release\n'* ]]
	[[ $output == *$'ls: /data: No such file or directory\n/etc/group\nstatus 1\n'* ]]
	[[ $output =~ $'\n'[0-9a-f]{12}' '.*' Exited (0) '.*' hello'$'\n' ]]
	[[ $output =~ $'\n'[0-9a-f]{12}' '.*' Exited (143) '.*' web2'$'\n' ]]
	[[ $output =~ $'\n'[0-9a-f]{12}' '.*' Exited (137) '.*' web'$'\n' ]]
	[[ $output == *$'\nhello from the log\nweb\nweb2\nhello\nleft: \n'* ]]
	[[ $output == *$'\nGREETING=hello\n'* && $output == *$'\nHOME=/root\n'* ]]
	[[ $output != *BATS_* ]] # the environment the runtime ran in goes nowhere
	[[ $output == *$'\ntouch: /hosttmp/x: Read-only file system\nstatus 1\nmybox\n'* ]]
	local size=$'\nmybox +[0-9.]+ MB\n'
	[[ $output =~ $size ]]
	[[ $output == *$'\nPRETTY_NAME="nutshell busybox image"' ]]
}

@test "Try it: PID 1 without --init keeps a zombie and makes stop wait for SIGKILL; --init reaps it and stops at once" {
	own_program 09-overlay
	run try_it "$(
		cat <<'EOF'
id=$(./bin/09-overlay run -d --network none busybox sleep 1000)
./bin/09-overlay exec $id sh -c 'sleep 0.1 & exit'
sleep 0.5
./bin/09-overlay exec $id ps -o pid,ppid,stat,comm
time ./bin/09-overlay stop $id
echo "status $(sed -n 's/^exit_code=//p' containers/$id/state)"
id=$(./bin/09-overlay run -d --init --network none busybox sleep 1000)
./bin/09-overlay exec $id sh -c 'sleep 0.1 & exit'
sleep 0.5
./bin/09-overlay exec $id ps -o pid,ppid,stat,comm
time ./bin/09-overlay stop $id
echo "status $(sed -n 's/^exit_code=//p' containers/$id/state)"
EOF
	)"
	echo "$output" >&2
	[ "$status" -eq 0 ]
	local without=${output%%status 137*} with=${output#*status 137}
	[[ $without =~ $'\n'\ +1\ +0\ S\ +sleep$'\n'\ +[0-9]+\ +1\ Z\ +sleep$'\n' ]]
	[[ $without =~ real.0m1[0-9]\. ]] # stop waited for its 10 seconds
	[[ $with =~ $'\n'\ +1\ +0\ S\ +09-overlay$'\n'\ +2\ +1\ S\ +sleep$'\n' ]]
	[[ $with != *" Z "* ]]
	[[ $with =~ real.0m0\. ]]
	[[ $with == *"status 143" ]]
}
