#!/bin/sh
# The network lab under `bench run` (DESIGN.md "The network lab"):
# - the NAT variant: --nat adds net-stream-nat and net-rr-nat, which under
#   native and ctr reach the sink only through the router namespace, which
#   masquerades them with nftables rules of its own; the figures carry the
#   NAT workloads' names; the host's ruleset is untouched;
# - the sink: one that lost its listening socket, or was killed, between
#   two network instances is replaced before the next one, so no
#   repetition meets "connection refused";
# and nothing of a run is left.
. "$(dirname "$0")/../lib/tap.sh"
. "$top/tests/lib/bench.sh"
bench="$top/build/bench"
r="$tmp/nat/results.json"
pid=
tap_cleanup() { [ -z "$pid" ] || kill "$pid" 2>/dev/null; }
tap_diag() {
	diag_file out "$tmp/out"
	diag_file router "$tmp/rules"
	figures "$r"
}

echo "1..12"
if [ ! -x /usr/sbin/nft ]; then
	echo "Bail out! /usr/sbin/nft missing (scripts/deps installs nftables)"
	exit 1
fi
nft list ruleset >"$tmp/host-before" 2>&1

"$bench" run --backend native,ctr --workload ready --nat --reps 2 --quick \
	--out "$tmp/nat" >"$tmp/out" 2>&1 &
pid=$!
# While the second repetition runs (the first one is saved), look at the
# router: its masquerade rule has counted connections, its upstream link
# has carried the stream.
await 60 json "$r" '@{fig("native","net-stream-nat","net.stream_tx_gbps")}'
rid=$(run_id "$tmp/out")
ip netns exec "isob-$rid-rt" nft list ruleset >"$tmp/rules" 2>&1
tx=$(ip netns exec "isob-$rid-rt" cat /sys/class/net/up0/statistics/tx_bytes 2>/dev/null)
grep -q 'oifname "up0" counter packets [1-9][0-9]* bytes [0-9]* masquerade' "$tmp/rules"
ok $? "the router namespace masquerades what leaves upstream (connections counted)"
[ "${tx:-0}" -gt 1000000 ]
ok $? "the stream crossed the router's upstream link (${tx:-no} bytes sent)"
wait "$pid"
rc=$?
pid=
[ "$rc" = 0 ]
ok $? "bench run --workload ready --nat exits 0"

json "$r" 'my $ok = 1; for my $b (qw(native ctr)) { $ok &&= @{fig($b,"net-stream-nat","net.stream_tx_gbps")} == 2
	&& fig($b,"net-stream-nat","net.stream_tx_gbps")->[0] > 0.01 } $ok'
ok $? "net-stream-nat: throughput through the router for native and ctr"
json "$r" 'my $ok = 1; for my $b (qw(native ctr)) { my $s = fig($b,"net-rr-nat","net.rr_p50_us");
	$ok &&= @$s == 2 && $s->[0] > 0 } $ok'
ok $? "net-rr-nat: latency through the router for native and ctr"
json "$r" '!grep({ $_->{workload} =~ /^net-(stream|rr)$/ } @{$d->{figures}}) &&
	join(",", @{$d->{config}{workloads}}) eq "ready,net-stream-nat,net-rr-nat"'
ok $? "the NAT path is its own figure (workloads ready,net-stream-nat,net-rr-nat, none bridge-only)"

nft list ruleset >"$tmp/host-after" 2>&1
cmp -s "$tmp/host-before" "$tmp/host-after"
ok $? "the host's nftables ruleset is unchanged"
left=$(leftovers "$rid")
[ -n "$rid" ] && [ -z "$left" ]
ok $? "nothing of run ${rid:-?} is left (${left:-nothing})"

# No process left in an instance namespace of run $rid (the instance in
# flight has ended; bench, stopped, has not reaped or removed it yet).
instances_idle() {
	for ns in $(ls /run/netns | grep "^isob-$rid-i"); do
		[ -z "$(ip netns pids "$ns")" ] || return 1
	done
}

# sink_fault NAME WHAT: a net-rr run of three repetitions; once the first is
# saved, stop bench, let the instance in flight end, do WHAT to the
# sink namespace's processes ($1 the namespace), and let the run go on.
sink_fault() {
	r="$tmp/$1/results.json"
	"$bench" run --backend native --workload net-rr --reps 3 --quick --out "$tmp/$1" \
		>"$tmp/out" 2>&1 &
	pid=$!
	await 30 json "$r" '@{fig("native","net-rr","net.rr_p50_us")}'
	kill -STOP "$pid"
	rid=$(run_id "$tmp/out")
	await 30 instances_idle
	$2 "isob-$rid-sink"
	kill -CONT "$pid"
	wait "$pid"
	rc=$?
	pid=
	[ "$rc" = 0 ] && json "$r" '@{fig("native","net-rr","net.rr_p50_us")} == 3 && !@{$d->{skipped}}'
}
# The sink lives on but no longer listens (its socket destroyed: ss -K).
unlisten() { ip netns exec "$1" ss -K -t state listening sport = :7000 >/dev/null; }
sink_fault unlisten unlisten
ok $? "a sink that stopped listening is replaced: three repetitions, none failed"
left=$(leftovers "$rid")
[ -z "$left" ]
ok $? "nothing of run $rid is left (${left:-nothing})"
sinkkill() { kill $(ip netns pids "$1"); }
sink_fault killed sinkkill
ok $? "a killed sink is replaced: three repetitions, none failed"
left=$(leftovers "$rid")
[ -z "$left" ]
ok $? "nothing of run $rid is left (${left:-nothing})"
tap_end
