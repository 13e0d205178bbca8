#!/bin/sh
# A `bench run` killed with SIGKILL mid-run leaves kernel objects named
# with its run id; the next `bench clean` must remove every one of them:
# network namespaces, links, cgroups, processes, mounts, the state dir.
# SIGINT instead ends the run itself cleanly, partial results kept.
. "$(dirname "$0")/../lib/tap.sh"
bench="$top/build/bench"
pid=
tap_cleanup() { [ -z "$pid" ] || kill -9 "$pid" 2>/dev/null; }

echo "1..11"

# Network workloads under native and ctr: the lab (switch and sink
# namespaces, bridge, sink process), an instance namespace or an isoctr
# veth and cgroup are all live while it runs.
"$bench" run --backend native,ctr --workload net-stream --reps 20 --out "$tmp/r" \
	>"$tmp/out" 2>&1 &
pid=$!
rid=
i=0
while [ $i -lt 100 ]; do
	rid=$(sed -n 's/^bench: run \([0-9a-f]\{6\}\):.*/\1/p' "$tmp/out")
	[ -n "$rid" ] && ls /run/netns 2>/dev/null | grep -q "^isob-$rid-i" && break
	sleep 0.1
	i=$((i + 1))
done
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

! ls /run/netns 2>/dev/null | grep -q "^isob-$rid-"
ok $? "no network namespace of the run"
! ip -o link show 2>/dev/null | grep -q "ib$rid"
ok $? "no link of the run in the host namespace"
! find /sys/fs/cgroup -maxdepth 4 -name "$rid-*" 2>/dev/null | grep -q .
ok $? "no cgroup of the run"
left=
for p in /proc/[0-9]*; do
	exe=$(readlink "$p/exe" 2>/dev/null) || continue
	case "$exe" in
	"$top"/build/image/rootfs/* | "$top"/build/bench-sink | "$top"/build/isoctr) left="$left ${p#/proc/}" ;;
	esac
done
[ -z "$left" ]
ok $? "no instance, sink or isoctr process left (${left:-none})"
! grep -q "isob-$rid\|/run/isobench/$rid" /proc/self/mountinfo && [ ! -e "/run/isobench/$rid" ]
ok $? "no mount and no state directory of the run"

"$bench" run --backend native,ctr --workload net-rr --reps 20 --out "$tmp/int" >"$tmp/out2" 2>&1 &
pid=$!
rid=
i=0
while [ $i -lt 200 ] && ! grep -qs '"samples"' "$tmp/int/results.json"; do
	sleep 0.1
	i=$((i + 1))
done
rid=$(sed -n 's/^bench: run \([0-9a-f]\{6\}\):.*/\1/p' "$tmp/out2")
kill -INT "$pid"
wait "$pid"
rc=$?
pid=
[ "$rc" = 130 ] && grep -q "partial results kept" "$tmp/out2"
ok $? "SIGINT: exit 130, says partial results are kept"
perl -MJSON::PP -e 'local $/; open my $f, "<", $ARGV[0] or exit 1;
	my $d = decode_json(<$f>); exit(@{$d->{figures}} > 0 ? 0 : 1)' "$tmp/int/results.json"
ok $? "the partial result set is valid JSON with figures"
! ls /run/netns 2>/dev/null | grep -q "^isob-$rid-" && [ ! -e "/run/isobench/$rid" ] &&
	! find /sys/fs/cgroup -maxdepth 4 -name "$rid-*" 2>/dev/null | grep -q .
ok $? "nothing of run $rid is left after SIGINT"
