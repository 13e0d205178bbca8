#!/bin/sh
# The harness on the host (root): a native run writes a valid result set;
# the probes give sane values on known processes (PSS of the mem workload
# that touched 64 MiB >= 64 MiB, its host tasks = init + workload, perf
# task-clock > 0, tasks inside with kernel threads); bad input exits 2 with one line; bench doctor runs.
. "$(dirname "$0")/../lib/tap.sh"
. "$top/tests/lib/bench.sh"
bench="$top/build/bench"

echo "1..18"

"$bench" run --backend native --workload ready --reps 3 --out "$tmp/ready" >"$tmp/out" 2>&1
ok $? "bench run --backend native --workload ready --reps 3 exits 0"
r="$tmp/ready/results.json"
json "$r" '$d->{schema} eq "isobench-results/1" && $d->{run_id} =~ /^[0-9a-f]{6}$/'
ok $? "result set has the schema and a run id"
json "$r" '@{fig("native","ready","startup.ready_ms")} == 3 && !grep { $_ <= 0 || $_ > 10000 } @{fig("native","ready","startup.ready_ms")}'
ok $? "three startup samples, each in (0, 10 s]"
json "$r" '@{fig("native","ready","cpu.task_clock_ms")} == 3 && fig("native","ready","cpu.task_clock_ms")->[0] > 0'
ok $? "perf task-clock counted for every sample"
json "$r" 'my $e = $d->{environment}; $e->{kvm} =~ /^(none|native|emulated)$/ && $e->{cpu}{pus} >= 1 && exists $e->{perf_events}{"task-clock"} && $e->{image_hash} =~ /^[0-9a-f]{64}$/'
ok $? "environment records kvm, topology, perf events and the image hash"

# --resume continues a set (as make run does after a test machine failed):
# only the missing repetitions are measured, the set keeps its id.
id=$(perl -MJSON::PP -e 'local $/; print decode_json(<>)->{run_id}' "$r")
"$bench" run --backend native --workload ready --reps 5 --out "$tmp/ready" --resume \
	>"$tmp/out" 2>&1 &&
	json "$r" '@{fig("native","ready","startup.ready_ms")} == 5 && @{fig("native","ready","cpu.task_clock_ms")} == 5 && $d->{config}{resumed}' &&
	json "$r" "\$d->{run_id} eq '$id'"
ok $? "--resume to 5 repetitions adds the 2 the set lacked"
out=$("$bench" run --backend native --workload ready --out "$tmp/none" --resume 2>&1)
[ $? = 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && [ ! -e "$tmp/none" ]
ok $? "--resume of a set that does not exist: exit 1 with one line, nothing made ($out)"

"$bench" run --backend native --workload mem --reps 1 --out "$tmp/mem" >"$tmp/out" 2>&1
ok $? "bench run --workload mem exits 0"
json "$tmp/mem/results.json" 'fig("native","mem","memory.pss_mib")->[0] >= 64 && fig("native","mem","memory.pss_mib")->[0] < 80'
ok $? "PSS of the mem workload that touched 64 MiB is >= 64 MiB (and < 80)"
json "$tmp/mem/results.json" 'fig("native","mem","tasks.host")->[0] == 2 && fig("native","mem","tasks.host_processes")->[0] == 2'
ok $? "host tasks of a native mem instance: init + workload, one thread each"

# tasks.inside counts every task the workload sees, kernel threads
# included: natively that is the host's /proc, which has kernel threads.
"$bench" run --backend native --workload tasks --reps 1 --out "$tmp/tasks" >"$tmp/out" 2>&1
json "$tmp/tasks/results.json" 'my ($i, $k, $p) = map { fig("native","tasks",$_)->[0] // -1 } qw(tasks.inside tasks.inside_kernel_threads workload.processes); $k > 0 && $p >= 2 && $i >= $k + $p'
ok $? "tasks.inside = user threads + kernel threads (native sees the host's kernel threads)"

# The network lab: a bulk stream from a native instance's namespace over
# its veth and the bridge to the sink namespace.
"$bench" run --backend native --workload net-stream --reps 1 --out "$tmp/net" >"$tmp/out" 2>&1
ok $? "bench run --workload net-stream exits 0"
json "$tmp/net/results.json" 'fig("native","net-stream","net.stream_tx_gbps")->[0] > 0.01 && fig("native","net-stream","net.cpu_s_per_gb")->[0] > 0'
ok $? "stream across the lab: throughput and CPU cost per GB measured"

out=$("$bench" run --backend native --reps 0 2>&1)
[ $? = 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ]
ok $? "--reps 0: exit 2 with one line ($out)"
out=$("$bench" run --backend nosuch 2>&1)
[ $? = 2 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ]
ok $? "unknown backend: exit 2 with one line ($out)"
"$bench" frobnicate >/dev/null 2>&1
[ $? = 2 ]
ok $? "unknown command: exit 2"

"$bench" doctor >"$tmp/doctor" 2>&1
grep -q '^kvm: ' "$tmp/doctor" && grep -q '^native *runs' "$tmp/doctor"
ok $? "bench doctor reports KVM and runs the native backend"
# KVM that boots the guest image needs VT-x or AMD-V: a /dev/kvm without
# them (kvm_pvm) is no KVM for the VM backends.
if grep -qw -e vmx -e svm /proc/cpuinfo && [ -c /dev/kvm ]; then
	grep -Eq '^kvm: +(native|emulated)$' "$tmp/doctor"
else
	grep -Eq '^kvm: +none \(' "$tmp/doctor" && grep -Eq '^vm +missing ' "$tmp/doctor"
fi
ok $? "bench doctor's KVM verdict agrees with /dev/kvm and the CPU flags ($(grep '^kvm:' "$tmp/doctor"))"
