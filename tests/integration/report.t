#!/bin/sh
# bench report through the real binary on a small result set: charts in
# SVG and PNG, report.md and a self-contained report.html, claims answered
# from the data ("not measured" where a figure is absent), the emulation
# banner, and exit 2 on a missing result set.
. "$(dirname "$0")/../lib/tap.sh"
bench="$top/build/bench"

fig() { # backend workload metric unit better instances v1 v2 v3
	printf '%s{ "backend": "%s", "workload": "%s", "metric": "%s", "unit": "%s", "better": "%s", "instances": %s, "samples": [%s, %s, %s] }\n' \
		"$sep" "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9"
	sep=,
}

mkdir "$tmp/run"
{
	echo '{ "schema": "isobench-results/1", "run_id": "abcdef", "created": "2026-11-23T19:30:00Z",'
	echo '  "command": "bench run", "environment": { "host": "h", "kvm": "emulated", "memory_mib": 24000 },'
	echo '  "config": { "workloads": ["ready", "mem", "tasks", "net-rr"], "density_max": 4 },'
	echo '  "skipped": [ { "backend": "crun", "reason": "refuses hybrid cgroups" },'
	echo '    { "backend": "vm", "workload": "density", "reason": "memory bound" } ], "figures": ['
	sep=
	fig native ready startup.ready_ms ms lower 1 1.1 1.2 1.3
	fig ctr ready startup.ready_ms ms lower 1 6 7 8
	fig vm ready startup.ready_ms ms lower 1 800 850 900
	fig vm ready startup.ready_ms ms lower 4 900 950 1000
	fig ctr ready startup.ready_ms ms lower 4 8 9 10
	fig native ready memory.pss_mib MiB lower 1 1 1 1
	fig vm ready memory.pss_mib MiB lower 1 70 71 72
	fig vm ready memory.guest_ram_mib MiB lower 1 62 62 62
	fig vm ready memory.monitor_mib MiB lower 1 3 3 3
	fig vm ready memory.pss_mib MiB lower 4 75 76 77
	fig ctr ready memory.pss_mib MiB lower 4 3 3 3
	fig vm tasks tasks.host count lower 1 3 3 3
	fig vm tasks tasks.inside count lower 1 57 58 59
	fig vm tasks tasks.inside_kernel_threads count lower 1 40 40 40
	fig ctr tasks tasks.host count lower 1 1 1 1
	fig ctr tasks tasks.inside count lower 1 1 1 1
	fig runc tasks tasks.host count lower 1 2 2 2
	fig native tasks tasks.inside count lower 1 40 40 40
	echo '] }'
} >"$tmp/run/results.json"

echo "1..17"
"$bench" report "$tmp/run" >"$tmp/out" 2>"$tmp/err"
ok $? "bench report exits 0"
r="$tmp/run/report"
for c in startup memory tasks density_startup density_memory; do
	[ -s "$r/$c.svg" ] && [ "$(head -c 4 "$r/$c.png" | od -An -c | tr -d ' ')" = '211PNG' ] ||
		{ echo "# $c missing or not a PNG"; false; }
done
ok $? "charts with data exist as SVG and PNG"
[ ! -e "$r/net_throughput.svg" ] && [ ! -e "$r/net_latency.svg" ]
ok $? "charts without data are left out"
grep -q 'time to READY (ms' "$r/startup.svg" && grep -q 'host memory (MiB)' "$r/memory.svg"
ok $? "axes are labelled with units"
grep -q 'emulated KVM' "$r/report.md" && grep -q 'class="banner"' "$r/report.html" &&
	grep -q 'emulated KVM (QEMU TCG)' "$r/startup.svg"
ok $? "emulation banner in both formats and on the charts"
grep -q 'A VM adds 3 host tasks.* and runs 58 tasks inside, 40 of them guest kernel threads; a container adds 1 host task and shows 1 task inside' "$r/report.md"
ok $? "claim 3 answered from the figures"
grep -q 'Not measured: this result set has no net.stream' "$r/report.md"
ok $? "claim 2 says not measured without network figures"
grep -q 'Configured but without a single figure in this set .*: mem, net-rr\.$' "$r/report.md"
ok $? "configured workloads without a figure are named (density has figures)"
grep -q 'crun (refuses hybrid cgroups);.*vm/density (memory bound)\.' "$r/report.md"
ok $? "skipped backends and workloads are named"
grep -q 'no guest kernel\. Peers: runc 2 host tasks\.' "$r/report.md"
ok $? "claims name the peers' figures"
[ "$(grep -c 'data:image/svg+xml;base64,' "$r/report.html")" = 5 ] &&
	! grep -q '<img[^>]*src="[^d]' "$r/report.html"
ok $? "report.html embeds every chart and links nothing"
grep -q '| memory.pss\\_mib | vm | ready | 4 | 3 | 76 |' "$r/report.md"
ok $? "the figures table lists density figures"
grep -q '^0 "native" - - "sees the whole host: 40" -$' "$r/tasks.dat" &&
	grep -q '^1 "ctr" 1 1 "" -$' "$r/tasks.dat" &&
	grep -q '^2 "vm" 3 58 "" 40$' "$r/tasks.dat"
ok $? "tasks: the native baseline's inside is a note (the whole host), a guest's kernel threads a column"

# net_set DIR FIGURES...: a result set in DIR with the figures the
# commands FIGURES print.
net_set() {
	mkdir "$1"
	dir=$1
	shift
	{
		echo '{ "schema": "isobench-results/1", "run_id": "abcdef", "created": "2026-11-23T19:30:00Z",'
		echo '  "command": "bench run", "figures": ['
		sep=
		for figs in "$@"; do "$figs"; done
		echo '] }'
	} >"$dir/results.json"
}
bridge_figs() {
	fig native net-stream net.stream_tx_gbps Gbit/s higher 1 3.4 3.5 3.6
	fig ctr net-stream net.stream_tx_gbps Gbit/s higher 1 2.9 3 3.1
	fig vm net-stream net.stream_tx_gbps Gbit/s higher 1 0.8 0.9 1
}
nat_figs() {
	fig native net-stream-nat net.stream_tx_gbps Gbit/s higher 1 3 3.1 3.2
	fig vm net-stream-nat net.stream_tx_gbps Gbit/s higher 1 0.3 0.31 0.32
	fig ctr net-stream-nat net.stream_tx_gbps Gbit/s higher 1 2.7 2.8 2.9
	fig native net-rr-nat net.rr_p50_us us lower 1 500 510 520
}
net_set "$tmp/net" bridge_figs
"$bench" report "$tmp/net" >/dev/null 2>&1 &&
	grep -q '^2 "vm" 0.9 0.85 0.95 - - -$' "$tmp/net/report/net_throughput.dat" &&
	grep -q 'VM, its software NIC (virtio-net) on a TAP: 0.9 Gbit/s (26% of native)' \
		"$tmp/net/report/report.md" &&
	grep -q 'native pair 3.5 Gbit/s' "$tmp/net/report/net_throughput.svg" &&
	grep -q 'Request/response latency was not measured\.' "$tmp/net/report/report.md" &&
	grep -q 'The NAT variant (VMnet#0) was not measured\.' "$tmp/net/report/report.md" &&
	! grep -q 'emulated KVM' "$tmp/net/report/net_throughput.svg"
ok $? "one network workload: rows named by backend; the VM's share of the native limit; not emulated, no note"

# The NAT variant beside the bridge, its figures first in the set: the
# bridge claim and the chart's limit keep to the bridge's workloads, the
# NAT sentence gives each backend against native through the router.
net_set "$tmp/nat" nat_figs bridge_figs
"$bench" report "$tmp/nat" >/dev/null 2>&1 &&
	grep -q 'native veth pair 3.5 Gbit/s .*VM, its software NIC (virtio-net) on a TAP: 0.9 Gbit/s (26% of native)' \
		"$tmp/nat/report/report.md" &&
	grep -q 'Behind the NAT router (like VMnet#0): native 3.1 Gbit/s; VM 0.31 Gbit/s (10% of native); container 2.8 Gbit/s (90% of native); request/response p50: native 510 µs, VM not measured, container not measured\.' \
		"$tmp/nat/report/report.md" &&
	grep -q 'native pair 3.5 Gbit/s' "$tmp/nat/report/net_throughput.svg"
ok $? "NAT figures: their own sentence, each backend against native through the router; the bridge's limit unchanged"
"$bench" report "$tmp/absent" >/dev/null 2>"$tmp/err"
[ $? = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ]
ok $? "a missing result set exits 2 with one line"
mkdir "$tmp/a-set-with-a-long-name"
cp "$tmp/run/results.json" "$tmp/a-set-with-a-long-name/"
"$bench" report --out "$tmp/two" "$tmp/run" "$tmp/a-set-with-a-long-name" >/dev/null 2>&1 &&
	grep -q 'vm@run' "$tmp/two/startup.dat" &&
	grep -q ') rotate(25)" .*text-anchor="start"' "$tmp/two/memory.svg" &&
	! grep -q ') rotate(25)" .*text-anchor="start"' "$r/memory.svg"
ok $? "several sets: one series per backend and set, long tick labels rotated"
tap_end
