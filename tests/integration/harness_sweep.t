#!/bin/sh
# A `bench run` killed with SIGKILL mid-run leaves kernel objects named
# with its run id; the next `bench clean` must remove every one of them:
# network namespaces, links, cgroups, processes, mounts, the state dir.
# SIGINT instead ends the run itself cleanly, partial results kept.
. "$(dirname "$0")/../lib/tap.sh"
. "$top/tests/lib/bench.sh"
bench="$top/build/bench"
pid=
tap_cleanup() { [ -z "$pid" ] || kill -9 "$pid" 2>/dev/null; }

echo "1..7"

# Network workloads under native and ctr: the lab (switch and sink
# namespaces, bridge, sink process), an instance namespace or an isoctr
# veth and cgroup are all live while it runs.
"$bench" run --backend native,ctr --workload net-stream --reps 20 --out "$tmp/r" \
	>"$tmp/out" 2>&1 &
pid=$!
rid=
instance_up() {
	rid=$(run_id "$tmp/out")
	[ -n "$rid" ] && ls /run/netns 2>/dev/null | grep -q "^isob-$rid-i"
}
await 10 instance_up
[ -n "$rid" ] && [ -e "/run/netns/isob-$rid-sw" ]
ok $? "run $rid is up with its switch namespace"
sleep 1
kill -9 "$pid"
wait "$pid" 2>/dev/null
pid=
ls /run/netns | grep -q "^isob-$rid-"
ok $? "after SIGKILL its namespaces are still there (the sweep has work)"

"$bench" clean >"$tmp/clean" 2>&1
ok $? "bench clean exits 0 ($(tr '\n' ' ' <"$tmp/clean"))"

left=$(leftovers "$rid")
[ -z "$left" ]
ok $? "no namespace, link, cgroup, mount, state directory or process of the run (${left:-none})"

"$bench" run --backend native,ctr --workload net-rr --reps 20 --out "$tmp/int" >"$tmp/out2" 2>&1 &
pid=$!
await 20 grep -qs '"samples"' "$tmp/int/results.json"
rid=$(run_id "$tmp/out2")
kill -INT "$pid"
wait "$pid"
rc=$?
pid=
[ "$rc" = 130 ] && grep -q "partial results kept" "$tmp/out2"
ok $? "SIGINT: exit 130, says partial results are kept"
perl -MJSON::PP -e 'local $/; open my $f, "<", $ARGV[0] or exit 1;
	my $d = decode_json(<$f>); exit(@{$d->{figures}} > 0 ? 0 : 1)' "$tmp/int/results.json"
ok $? "the partial result set is valid JSON with figures"
left=$(leftovers "$rid")
[ -n "$rid" ] && [ -z "$left" ]
ok $? "nothing of run $rid is left after SIGINT (${left:-none})"
