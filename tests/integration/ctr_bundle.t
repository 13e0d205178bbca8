#!/bin/sh
# The OCI bundle subset: one bundle (scripts/ctr-bundle) runs under isoctr
# and runc with the same result; isoctr applies the bundle's limits;
# SIGTERM tears a bundle container down; unsupported bundles are refused
# with one line and exit 121.
. "$(dirname "$0")/../lib/tap.sh"
isoctr="$top/build/isoctr"
rootfs="$top/build/image/rootfs"
rid=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
tap_cleanup() { "$isoctr" sweep --all --run "$rid" >/dev/null 2>&1; }

tap_diag() {
	diag_file stderr "$tmp/err"
}

if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root"
	exit 0
fi
need "$isoctr" "$rootfs/init"
echo "1..6"

"$top/scripts/ctr-bundle" "$tmp/ready" "$rootfs" /bin/ready 3
"$isoctr" run --bundle "$tmp/ready" --events 2>"$tmp/err"
st=$?
[ $st = 3 ] && grep -q ' READY$' "$tmp/err"
ok $? "isoctr runs the bundle: READY, exit 3 (got $st)"

if command -v runc >/dev/null 2>&1; then
	runc run --bundle "$tmp/ready" "isob-$rid-runc" >/dev/null 2>"$tmp/err"
	st=$?
	[ $st = 3 ]
	ok $? "runc runs the same bundle with the same status (got $st)"
else
	echo "ok $tap_n # SKIP runc not installed"
fi

# Limits from linux.resources, seen in the container's cgroup while it runs.
"$top/scripts/ctr-bundle" "$tmp/hold" "$rootfs" /bin/mem 8 --hold 30
"$isoctr" run --bundle "$tmp/hold" --run-id "$rid" --events-fd 5 5>"$tmp/ev" 2>"$tmp/err" &
pid=$!
for _ in $(seq 100); do grep -q READY "$tmp/ev" && break; sleep 0.1; done
mem=$(cat /sys/fs/cgroup/isobench/"$rid"-ctr/memory.max \
	/sys/fs/cgroup/memory/isobench/"$rid"-ctr/memory.limit_in_bytes 2>/dev/null)
pids=$(cat /sys/fs/cgroup/isobench/"$rid"-ctr/pids.max \
	/sys/fs/cgroup/pids/isobench/"$rid"-ctr/pids.max 2>/dev/null)
[ "$mem" = 134217728 ] && [ "$pids" = 64 ]
ok $? "memory limit 134217728 and pids limit 64 from the bundle ($mem, $pids)"

kill -TERM $pid
wait $pid
st=$?
[ $st = 143 ] && [ -z "$(find /sys/fs/cgroup -maxdepth 3 -path "*/isobench/$rid-*")" ] &&
	[ ! -e "/run/isobench/$rid" ]
ok $? "SIGTERM: exit 143, cgroup and state dir removed (got $st)"

sed 's/"terminal": false/"terminal": true/' "$tmp/ready/config.json" >"$tmp/config.json"
"$isoctr" run --bundle "$tmp" >/dev/null 2>"$tmp/err"
st=$?
[ $st = 121 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q 'process.terminal' "$tmp/err"
ok $? "a terminal is refused: one line naming the field, exit 121 (got $st)"

sed 's/"linux": {/"linux": {"seccomp": {"defaultAction": "SCMP_ACT_ERRNO"},/' \
	"$tmp/ready/config.json" >"$tmp/config.json"
"$isoctr" run --bundle "$tmp" >/dev/null 2>"$tmp/err"
st=$?
[ $st = 121 ] && grep -q 'linux.seccomp' "$tmp/err"
ok $? "seccomp is refused, not silently dropped: exit 121 (got $st)"
