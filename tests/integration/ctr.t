#!/bin/sh
# isoctr end to end, as root: the command shape and exit status, READY on
# the event stream, what the program sees inside (PID 1, hostname, masked
# and read-only paths, capabilities), the memory limit and its OOM report,
# a TCP exchange across veth -> bridge -> peer namespace, one exit code per
# class of bad input, nothing left after a run, and the sweep after a
# SIGKILLed isoctr. Runs on the host (hybrid cgroups here) and, through
# tests/testvm/ctr.t, inside the test machine (pure cgroup v2).
. "$(dirname "$0")/../lib/tap.sh"
isoctr="$top/build/isoctr"
rootfs="$top/build/image/rootfs"
bb=$(command -v busybox)
. "$top/scripts/lib-runid.sh"
# A run id for the objects this test makes itself (netns, links), owned by
# this shell so that no other run's sweep takes them while it runs.
rid=$(runid_new)

tap_cleanup() {
	for ns in br peer; do ip netns del "isob-$rid-$ns" 2>/dev/null; done
	"$isoctr" sweep --all --run "$rid" >/dev/null 2>&1
	[ -n "$kr" ] && "$isoctr" sweep --all --run "$kr" >/dev/null 2>&1
	runid_release "$rid"
}

tap_diag() {
	diag_file stderr "$tmp/err"
}

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root"
	exit 0
fi
need "$isoctr" "$rootfs/init" "$bb"
echo "1..35"

# What other runs (other tests, the harness) hold before this test starts.
snapshot() {
	{
		ls /run/isobench 2>/dev/null
		find /sys/fs/cgroup -maxdepth 3 -path '*/isobench/*' -type d 2>/dev/null
	} | sort
}
runid_own "$rid"
snapshot >"$tmp/before"

# run ARGS...: isoctr run with the busybox bind; stdout in $tmp/out,
# stderr in $tmp/err, events in $tmp/ev; returns isoctr's status.
run() {
	"$isoctr" run --rootfs "$rootfs" --bind "$bb:/tmp/busybox" "$@" \
		>"$tmp/out" 2>"$tmp/err" 5>"$tmp/ev"
}
inside() {
	run --events-fd 5 "$@"
}

"$isoctr" --help | grep -q 'isoctr run --rootfs DIR' &&
	"$isoctr" run --help | grep -q '^  118 rootfs'
ok $? "--help shows the command shape and the exit codes"

inside -- /init ready
st=$?
[ $st = 0 ] && grep -q '^[0-9]* READY$' "$tmp/ev" && tail -n1 "$tmp/ev" | grep -q ' EXIT 0$'
ok $? "ready: exit 0, READY then EXIT 0 on the event stream (status $st)"

grep -q ' PHASE clone$' "$tmp/ev" && grep -q ' PHASE pivot$' "$tmp/ev" &&
	grep -q ' PHASE exec$' "$tmp/ev"
ok $? "PHASE clone, pivot and exec are reported"

"$isoctr" run --rootfs "$rootfs" -- /init ready 3 2>"$tmp/err"
st=$?
[ $st = 3 ]
ok $? "isoctr run --rootfs build/image/rootfs -- /init ready 3 exits 3 (got $st)"

inside --hostname ctr-test-host -- /tmp/busybox sh -c '
	B=/tmp/busybox
	echo "pid=$$"
	echo "host=$($B hostname)"
	echo "kcore=$($B cat /proc/kcore 2>/dev/null | $B wc -c)"
	echo "keys=$($B cat /proc/keys 2>/dev/null | $B wc -c)"
	echo "capeff=$($B awk "/^CapEff/ {print \$2}" /proc/self/status)"
	echo "capbnd=$($B awk "/^CapBnd/ {print \$2}" /proc/self/status)"
	echo x >/proc/sys/kernel/hostname 2>/dev/null && echo procsys=writable
	echo x >/proc/sysrq-trigger 2>/dev/null && echo sysrq=writable
	$B touch /rootfs-write 2>/dev/null && echo root=writable
	echo x >/tmp/scratch && echo tmp=writable
	$B mknod /dev/probe-null c 1 3 2>/dev/null && echo mknod=allowed
	echo "fw=$($B ls -A /sys/firmware | $B wc -l)"
	$B touch /sys/firmware/probe 2>/dev/null && echo fwmask=writable
	echo x >/dev/null && echo x >/dev/shm/probe && echo devnull+shm=writable
	$B ls /dev | $B tr "\n" " " | $B sed "s/^/dev=/"; echo
	echo "links=$($B ls /sys/class/net | $B tr "\n" " ")"
	echo "nnp=$($B awk "/^NoNewPrivs/ {print \$2}" /proc/self/status)"
'
st=$?
[ $st = 0 ]
ok $? "busybox probe runs inside (status $st)"
grep -qx 'pid=1' "$tmp/out"
ok $? "PROGRAM is PID 1"
grep -qx 'host=ctr-test-host' "$tmp/out"
ok $? "hostname is the one given"
grep -qx 'kcore=0' "$tmp/out" && grep -qx 'keys=0' "$tmp/out"
ok $? "/proc/kcore and /proc/keys are masked (read empty)"
grep -qx 'capeff=00000000a80425fb' "$tmp/out" && grep -qx 'capbnd=00000000a80425fb' "$tmp/out"
ok $? "CapEff and CapBnd are the default set a80425fb"
grep -qx 'nnp=1' "$tmp/out"
ok $? "no_new_privs is set"
# sysfs shows the mounter's network namespace: only the container's lo.
grep -qx 'links=lo ' "$tmp/out"
ok $? "an empty network namespace: /sys/class/net holds lo alone ($(grep '^links=' "$tmp/out"))"
! grep -q '=writable$' "$tmp/out" | grep -v tmp && ! grep -q 'procsys=\|root=\|sysrq=' "$tmp/out" &&
	grep -qx 'tmp=writable' "$tmp/out"
ok $? "/proc/sys, /proc/sysrq-trigger and the rootfs are read-only; /tmp is writable"
grep -qx 'fw=0' "$tmp/out" && ! grep -q '^fwmask=' "$tmp/out"
ok $? "/sys/firmware is masked: empty and read-only"
# The container keeps CAP_MKNOD (the default set) and has no device
# cgroup: a /dev it could add nodes to would open every host device.
! grep -q '^mknod=' "$tmp/out" && grep -qx 'devnull+shm=writable' "$tmp/out"
ok $? "/dev is read-only (no mknod), its devices and /dev/shm stay writable"
grep -q '^dev=console full null ptmx pts random shm stderr stdin stdout tty urandom zero' "$tmp/out" ||
	grep -q '^dev=fd full null ptmx pts random shm stderr stdin stdout tty urandom zero' "$tmp/out"
ok $? "/dev holds only the minimal devices: $(grep '^dev=' "$tmp/out")"

# A user namespace maps container root to the caller; its network
# namespace is made by clone3 inside it and the container brings lo up
# itself. Rootless (uid 65534) without a cgroup or veth there is no state
# dir to write either.
userns_probe='B=/tmp/busybox
	echo "map=$($B cat /proc/self/uid_map | $B tr -s " " | $B sed "s/^ //")"
	echo "lo=$($B cat /sys/class/net/lo/flags)"
	exit 3'
run --userns -- /tmp/busybox sh -c "$userns_probe"
st=$?
[ $st = 3 ] && grep -qx 'map=0 0 1' "$tmp/out" && grep -qx 'lo=0x9' "$tmp/out"
ok $? "--userns as root: exit 3, root maps to uid 0, lo up (status $st: $(tr '\n' ' ' <"$tmp/out"))"
# The checkout may sit where uid 65534 cannot go (a 0700 temporary dir):
# it runs a copy of isoctr and the rootfs from a directory open to all.
rl="$tmp/rootless"
mkdir -p "$rl" && cp "$isoctr" "$rl/isoctr" && cp -a "$rootfs" "$rl/rootfs" &&
	chmod 755 "$tmp" "$rl"
setpriv --reuid=65534 --regid=65534 --clear-groups "$rl/isoctr" run --userns --rootfs "$rl/rootfs" \
	--bind "$bb:/tmp/busybox" -- /tmp/busybox sh -c "$userns_probe" >"$tmp/out" 2>"$tmp/err"
st=$?
[ $st = 3 ] && grep -qx 'map=0 65534 1' "$tmp/out" && grep -qx 'lo=0x9' "$tmp/out"
ok $? "rootless --userns (uid 65534): exit 3, root maps to 65534, lo up (status $st: $(tr '\n' ' ' <"$tmp/out"))"

# Memory: 64 MiB touched under a 32 MiB limit is OOM-killed and reported.
inside --memory 32 -- /init mem 64
st=$?
[ $st = 137 ] && grep -q 'was OOM-killed (limit 32 MiB)' "$tmp/err" &&
	grep -q ' REPORT oom_kill [1-9]' "$tmp/ev"
ok $? "mem 64 under --memory 32: status 137, stderr and event say OOM (status $st)"

inside --memory 128 -- /init mem 16
st=$?
[ $st = 0 ] && grep -q ' READY$' "$tmp/ev" && ! grep -q oom "$tmp/ev"
ok $? "mem 16 under --memory 128 runs to completion (status $st)"

# cpu and pids limits land in the container's cgroup (v1 or v2 files);
# SIGTERM then ends the run with 143 and removes the cgroup.
lr=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
"$isoctr" run --rootfs "$rootfs" --run-id "$lr" --cpus 0.5 --pids 16 --events-fd 5 \
	-- /init mem 8 --hold 30 5>"$tmp/lev" 2>"$tmp/err" &
lpid=$!
for _ in $(seq 100); do grep -q READY "$tmp/lev" && break; sleep 0.1; done
cpu=$(cat "/sys/fs/cgroup/isobench/$lr-ctr/cpu.max" \
	"/sys/fs/cgroup/cpu/isobench/$lr-ctr/cpu.cfs_quota_us" 2>/dev/null)
pids=$(cat "/sys/fs/cgroup/isobench/$lr-ctr/pids.max" \
	"/sys/fs/cgroup/pids/isobench/$lr-ctr/pids.max" 2>/dev/null)
{ [ "$cpu" = "50000 100000" ] || [ "$cpu" = 50000 ]; } && [ "$pids" = 16 ]
ok $? "--cpus 0.5 and --pids 16 are in the container's cgroup ($cpu, $pids)"
# The container's own view from the host: its v2 and memory cgroups are
# the run's (v1 ones it joined itself, the v2 one it was born in).
cgroups_of() {
	c=$(cat "/proc/$1/task/$1/children" 2>/dev/null | tr -d ' ')
	[ -n "$c" ] && awk -F: '$2 == "" || $2 ~ /(^|,)memory(,|$)/ { print $3 }' "/proc/$c/cgroup"
}
lcg=$(cgroups_of $lpid)
[ -n "$lcg" ] && [ -z "$(echo "$lcg" | grep -vx "/isobench/$lr-ctr")" ]
ok $? "the container is in the run's cgroups: $(echo $lcg)"
kill -TERM $lpid
wait $lpid
st=$?
[ $st = 143 ] && [ -z "$(find /sys/fs/cgroup -maxdepth 3 -path "*/isobench/$lr-*")" ] &&
	[ ! -e "/run/isobench/$lr" ]
ok $? "SIGTERM: exit 143, cgroup and state dir gone (status $st)"

# --no-cgroup: the container stays in isoctr's own cgroups, none is made;
# with no veth either there is nothing to sweep, so no state dir.
nr=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
"$isoctr" run --rootfs "$rootfs" --run-id "$nr" --no-cgroup --events-fd 5 \
	-- /init mem 8 --hold 30 5>"$tmp/nev" 2>"$tmp/err" &
npid=$!
for _ in $(seq 100); do grep -q READY "$tmp/nev" && break; sleep 0.1; done
ncg=$(cgroups_of $npid)
made=$(find /sys/fs/cgroup -maxdepth 3 -path "*/isobench/$nr-*")
[ -e "/run/isobench/$nr" ] && made="$made /run/isobench/$nr"
kill -TERM $npid
wait $npid
[ -n "$ncg" ] && ! echo "$ncg" | grep -q isobench && [ -z "$made" ]
ok $? "--no-cgroup: no cgroup or state dir made ($made), the container is in isoctr's ($(echo $ncg))"

# Network: a bridge namespace and a peer namespace built with ip(8).
br="isob-$rid-br" peer="isob-$rid-peer"
ip netns add "$br" && ip netns add "$peer" &&
	ip -n "$br" link add br0 type bridge && ip -n "$br" link set br0 up &&
	ip -n "$peer" link add eth0 type veth peer name "ib${rid}p0" netns "$br" &&
	ip -n "$br" link set "ib${rid}p0" master br0 up &&
	ip -n "$peer" addr add 10.199.0.1/24 dev eth0 && ip -n "$peer" link set eth0 up &&
	ip -n "$peer" link set lo up
ok $? "test network: bridge and peer namespaces of run $rid"

ip netns exec "$peer" timeout 10 "$bb" nc -l -p 7777 -e "$bb" sh -c 'read l; echo "pong:$l"' &
srv=$!
# Wait until the peer listens (port 7777 = 0x1E61, state 0A = LISTEN).
for _ in $(seq 100); do
	ip netns exec "$peer" cat /proc/net/tcp /proc/net/tcp6 | grep -q ":1E61 0*:0000 0A" && break
	sleep 0.1
done
inside --netns "$br" --bridge br0 --ip 10.199.0.2/24 --gw 10.199.0.1 -- /tmp/busybox sh -c \
	'echo ping | /tmp/busybox nc -w 5 10.199.0.1 7777'
st=$?
wait $srv
[ $st = 0 ] && grep -qx 'pong:ping' "$tmp/out" && grep -q ' PHASE net$' "$tmp/ev"
ok $? "TCP request/response crosses veth -> bridge -> peer (status $st)"
# The outer end of a container's veth: ib<its run id>c<k>.
ctr_veths() {
	ip -n "$br" -o link show | grep -cE ': ib[0-9a-f]{6}c[0-9]+@'
}
[ "$(ctr_veths)" = 0 ]
ok $? "the veth is gone after the run"

# Bad input: one line, one exit code per class.
bad() {
	want=$1
	shift
	"$isoctr" run "$@" >/dev/null 2>"$tmp/err"
	got=$?
	[ $got = "$want" ] && [ "$(wc -l <"$tmp/err")" = 1 ]
}
printf '{"process": {"args": ["/init"' >"$tmp/config.json"
bad 118 --rootfs /nonexistent -- /init ready &&
	bad 117 --rootfs "$rootfs" --memory lots -- /init ready &&
	bad 119 --rootfs "$rootfs" --netns "isob-$rid-none" --bridge br0 --ip 10.199.0.3/24 -- /init ready &&
	bad 120 --rootfs "$rootfs" --netns "$br" --bridge nobr0 --ip 10.199.0.3/24 -- /init ready &&
	bad 121 --bundle "$tmp" &&
	bad 116 --rootfs "$rootfs" --frobnicate -- /init ready &&
	bad 127 --rootfs "$rootfs" -- /no/such/program
ok $? "bad input: one line and exit 118/117/119/120/121/116/127 per class"

# A set-up failure inside the container reports its own cause, never the
# monitor's failure to reach a container that is gone (run 5 times: the
# two race).
n=0
for _ in 1 2 3 4 5; do
	"$isoctr" run --rootfs "$rootfs" --no-cgroup --bind /nonexistent:/tmp/x -- /init ready \
		2>"$tmp/err"
	[ $? = 125 ] && grep -q 'bind source /nonexistent' "$tmp/err" && n=$((n + 1))
done
[ $n = 5 ]
ok $? "a failure inside the container reports its cause ($n of 5)"

# A failure on the monitor's network thread (the kernel refuses a gateway
# that is the subnet's broadcast address) while the child waits for it,
# sharing the monitor's memory: the run ends with the thread's cause and
# removes its veth (5 times, bounded: a lost wake-up would hang).
n=0
for _ in 1 2 3 4 5; do
	timeout 20 "$isoctr" run --rootfs "$rootfs" --no-cgroup --netns "$br" --bridge br0 \
		--ip 10.199.0.5/24 --gw 10.199.0.255 -- /init ready 2>"$tmp/err"
	[ $? = 120 ] && grep -q 'default route via 10.199.0.255' "$tmp/err" &&
		[ "$(wc -l <"$tmp/err")" = 1 ] && n=$((n + 1))
done
[ $n = 5 ] && [ "$(ctr_veths)" = 0 ]
ok $? "a failure on the network thread ends the run with its cause, veth removed ($n of 5)"

# Nothing left behind by the runs above (other runs' objects may come and go).
snapshot >"$tmp/after"
left=$(comm -13 "$tmp/before" "$tmp/after")
[ -z "$left" ]
ok $? "no cgroup or state dir left after the runs ($left)"

# SIGKILL isoctr mid-run, then sweep: nothing of that run may remain.
kr=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
# Objects a harness of that run would also have had: a netns, a link in
# this (the host's) namespace, a mount under the run's state dir.
ip netns add "isob-$kr-lab" && ip link add "ib${kr}t0" type veth peer name "ib${kr}t1"
"$isoctr" run --rootfs "$rootfs" --run-id "$kr" --memory 64 --events-fd 5 \
	--netns "$br" --bridge br0 --ip 10.199.0.4/24 -- /init mem 8 --hold 60 \
	5>"$tmp/kev" 2>"$tmp/err" &
kpid=$!
for _ in $(seq 100); do grep -q READY "$tmp/kev" && break; sleep 0.1; done
mkdir -p "/run/isobench/$kr/m" && mount -t tmpfs none "/run/isobench/$kr/m"
grep -q READY "$tmp/kev" && kill -KILL $kpid
ok $? "isoctr of run $kr killed with SIGKILL after READY"
wait $kpid 2>/dev/null
# Only that run: other runs on this machine are not this test's business.
"$isoctr" sweep --run "$kr" >"$tmp/sweep" 2>"$tmp/err"
ok $? "isoctr sweep --run $kr: $(tr '\n' ' ' <"$tmp/sweep")"
# Processes of the run (zombies excepted: reaping them is their parent's
# job), given a moment to finish dying.
live_procs() {
	c=0
	for p in /proc/[0-9]*; do
		grep -q "isobench/$kr-" "$p/cgroup" 2>/dev/null &&
			! grep -q '^State:.*Z' "$p/status" 2>/dev/null && c=$((c + 1))
	done
	echo $c
}
for _ in $(seq 20); do [ "$(live_procs)" = 0 ] && break; sleep 0.1; done
procs=$(live_procs)
cg=$(find /sys/fs/cgroup -maxdepth 3 -path "*/isobench/$kr-*" 2>/dev/null)
[ "$procs" = 0 ] && [ -z "$cg" ]
ok $? "no process and no cgroup of run $kr remain ($procs, $cg)"
! ip netns list | grep -q "isob-$kr-" && ! grep -q "/run/isobench/$kr" /proc/self/mountinfo &&
	[ ! -e "/run/isobench/$kr" ]
ok $? "no netns, mount or state dir of run $kr remains"
# The container's outer veth end lived in the bridge netns and went with
# the container's netns; the host-side pair is the sweep's to remove.
! ip -n "$br" link show | grep -q "ib${kr}c" && ! ip link show | grep -q "ib${kr}"
ok $? "no veth or other link of run $kr remains"
