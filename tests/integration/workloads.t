#!/bin/sh
# Every workload, run natively through the init and the fd transport
# (portcat), reports sane values; the net workloads run against bench-sink
# across a veth pair between two namespaces this test creates; the port
# reader rejects garbage with a clear message.
. "$(dirname "$0")/../lib/tap.sh"
. "$top/scripts/lib-netpair.sh"
portcat="$top/build/portcat"
init="$top/build/image/rootfs/init"
sink="$top/build/bench-sink"
# cpu's checksum for its default 20,000,000 iterations (the kernel's small
# cases are checked against a reference in tests/unit/test_workload_kernels).
cpu_checksum=d57f8123e01d8f53
sink_pid=

tap_cleanup() {
	[ -z "$sink_pid" ] || kill "$sink_pid" 2>/dev/null
	netpair_down
}

tap_diag() {
	diag_file stderr "$tmp/err"
	diag_file events "$tmp/out"
}

# run [NETNS] -- WORKLOAD ARGS: events to $tmp/out, stderr to $tmp/err,
# status in $rc.
run() {
	ns=
	if [ "$1" != -- ]; then
		ns=$1
		shift
	fi
	shift
	if [ -n "$ns" ]; then
		ip netns exec "$ns" "$portcat" -- "$init" "$@" >"$tmp/out" 2>"$tmp/err"
	else
		"$portcat" -- "$init" "$@" >"$tmp/out" 2>"$tmp/err"
	fi
	rc=$?
}

# Value of REPORT KEY in the last run's events.
val() {
	awk -v k="$1" '$2 == "REPORT" && $3 == k { print $4 }' "$tmp/out"
}

# The event kinds of the last run, in order, on one line.
kinds() {
	awk '{ printf "%s%s", sep, $2; sep = " " }' "$tmp/out"
}

# awk as a calculator for checks on decimal values.
check() {
	awk "BEGIN { exit !($1) }"
}

need "$portcat" "$init" "$sink"
echo "1..25"

run -- ready 3
[ $rc = 3 ] && [ "$(kinds)" = "READY EXIT" ] && grep -q ' EXIT 3$' "$tmp/out"
ok $? "ready 3: READY, then EXIT 3 and exit status 3"

run -- ready
[ $rc = 0 ] && grep -q ' EXIT 0$' "$tmp/out"
ok $? "ready: EXIT 0"

# Bad arguments: one error line, status 2, reported as EXIT 2 by the init.
for args in "ready x" "mem" "mem 64 --hold" "cpu 0" "syscall many" "tasks extra" \
	"net-stream" "net-rr 10.0.0.1 0"; do
	# shellcheck disable=SC2086
	run -- $args
	[ $rc = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q "usage: ${args%% *}" "$tmp/err" &&
		[ "$(kinds)" = EXIT ] && grep -q ' EXIT 2$' "$tmp/out"
	ok $? "'$args': one usage line, exit 2, EXIT 2"
done

run -- no-such-workload
[ $rc = 127 ] && grep -q ' EXIT 127$' "$tmp/out" && grep -q 'exec' "$tmp/err"
ok $? "unknown workload: exec error, EXIT 127"

# The multi-call binary refuses names it does not know.
"$top/build/image/rootfs/bin/bench-guest" bogus >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 2 ] && grep -q "unknown program 'bogus'; one of: init ready" "$tmp/err"
ok $? "bench-guest bogus: unknown program, exit 2"

run -- mem 64
rss=$(val rss_kib)
[ $rc = 0 ] && [ "$(kinds)" = "REPORT READY EXIT" ] && [ "${rss:-0}" -ge 65536 ]
ok $? "mem 64: rss_kib ${rss:-none} >= 65536"

# mem holds until SIGTERM: portcat -> init -> workload, which exits 0.
"$portcat" -- "$init" mem 8 --hold 60 >"$tmp/out" 2>"$tmp/err" &
pc=$!
i=0
while ! grep -q READY "$tmp/out" && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
kill -TERM $pc
wait $pc
rc=$?
[ $rc = 0 ] && [ "$(kinds)" = "REPORT READY EXIT" ] && grep -q ' EXIT 0$' "$tmp/out"
ok $? "mem --hold 60: SIGTERM forwarded by the init ends the hold, EXIT 0"

run -- cpu
[ $rc = 0 ] && [ "$(val checksum)" = $cpu_checksum ] && [ "$(val elapsed_ns)" -gt 0 ]
ok $? "cpu: checksum $(val checksum) = $cpu_checksum, elapsed_ns $(val elapsed_ns) > 0"

run -- syscall 200000
ns=$(val ns_per_call)
[ $rc = 0 ] && check "${ns:-0} > 0 && ${ns:-0} < 100000"
ok $? "syscall: 0 < ns_per_call ${ns:-none} < 100000"

run -- tasks
p=$(val processes) t=$(val threads) k=$(val kernel_threads)
[ $rc = 0 ] && [ "${p:-0}" -ge 2 ] && [ "${t:-0}" -ge "${p:-1}" ] && [ "${k:--1}" -ge 0 ]
ok $? "tasks (host): processes $p >= 2, threads $t >= processes, kernel_threads $k >= 0"

# Container mode: the init as PID 1 of a new pid namespace with its own
# /proc sees only itself and the workload, and no kernel threads.
"$portcat" -- unshare --pid --fork --mount-proc "$init" tasks >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 0 ] && [ "$(val processes)" = 2 ] && [ "$(val threads)" = 2 ] &&
	[ "$(val kernel_threads)" = 0 ] && grep -q ' EXIT 0$' "$tmp/out"
ok $? "tasks under init as PID 1 of a pid namespace: 2 processes, 0 kernel threads"

"$portcat" -- sh -c 'printf garbage >&3' >"$tmp/out" 2>"$tmp/err"
[ ! -s "$tmp/out" ] && [ "$(cat "$tmp/err")" = "portcat: bench port: bad magic byte 0x67" ]
ok $? "garbage on the port: rejected with one clear line, no events"

"$portcat" -- sh -c 'printf "B\001\002\011rss" >&3' >"$tmp/out" 2>"$tmp/err"
[ ! -s "$tmp/out" ] && grep -q 'stream ended inside a frame' "$tmp/err"
ok $? "truncated frame on the port: rejected"

if ! netpair_up; then
	ok 1 "create the veth pair between two namespaces"
	exit 1
fi
ip netns exec "$NETPAIR_SINK" "$sink" --listen "$NETPAIR_SINK_IP:5201" --max-seconds 60 \
	>"$tmp/sink" 2>&1 &
sink_pid=$!

for dir in send recv; do
	run "$NETPAIR_WL" -- net-stream "$NETPAIR_SINK_IP" 5201 --seconds 2 --warmup 0.5 --$dir
	g=$(val gbps) b=$(val bytes) bt=$(val bytes_total)
	[ $rc = 0 ] && [ "$(kinds)" = "READY REPORT REPORT REPORT REPORT REPORT EXIT" ] &&
		check "${g:-0} > 0 && ${b:-0} > 0 && ${bt:-0} > ${b:-0} && $(val seconds) >= 1.5"
	ok $? "net-stream --$dir over veth: gbps ${g:-none} > 0, bytes ${b:-none} < bytes_total ${bt:-none} (warm-up)"
done

run "$NETPAIR_WL" -- net-rr "$NETPAIR_SINK_IP" 5201 --seconds 1 --size 64
p50=$(val p50_us) p99=$(val p99_us) req=$(val requests)
[ $rc = 0 ] && check "${req:-0} > 0 && ${p50:-0} > 0 && ${p50:-0} <= ${p99:-0}"
ok $? "net-rr over veth: requests ${req:-none}, p50 ${p50:-none} us <= p99 ${p99:-none} us"

kill "$sink_pid"
wait "$sink_pid" 2>/dev/null
sink_pid=

# bench-sink always ends by itself: after one session with --once ...
ip netns exec "$NETPAIR_SINK" timeout 20 "$sink" --listen "$NETPAIR_SINK_IP:5202" --once \
	>/dev/null 2>&1 &
once_pid=$!
run "$NETPAIR_WL" -- net-rr "$NETPAIR_SINK_IP" 5202 --seconds 0.5
wait $once_pid && [ $rc = 0 ]
ok $? "bench-sink --once serves one session (net-rr status $rc), then exits by itself"

# ... and after --max-seconds without any client.
ip netns exec "$NETPAIR_SINK" timeout 20 "$sink" --listen "$NETPAIR_SINK_IP:5203" \
	--max-seconds 0.5 >/dev/null 2>&1
ok $? "bench-sink --max-seconds 0.5 exits by itself with status 0"
