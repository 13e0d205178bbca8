#!/bin/sh
# The harness with the VM backend, inside the emulated KVM test machine:
# `bench run` of tasks and mem under native, ctr and vm writes a result
# set in which every backend has its startup (measured on every workload:
# no `ready` run, one emulated boot less), host tasks (the VM:
# monitor plus vCPU threads), tasks inside (the guest's kernel threads,
# which a container's PID namespace does not show), a sane PSS, and
# request/response through the lab's NAT router (the guest's default route
# over its TAP; netfilter modules load on demand here); the environment
# says KVM runs emulated; nothing of the run is left after.
. "$(dirname "$0")/../lib/tap.sh"
. "$top/tests/lib/bench.sh"
bench="$top/build/bench"
r="$tmp/run/results.json"
tap_diag() {
	diag_file out "$tmp/out"
	figures "$r"
}

echo "1..10"
"$bench" run --backend native,ctr,vm --workload tasks,mem,net-rr-nat --reps 1 --quick \
	--out "$tmp/run" >"$tmp/out" 2>&1
ok $? "bench run --backend native,ctr,vm --workload tasks,mem,net-rr-nat exits 0"
rid=$(run_id "$tmp/out")

json "$r" 'my $ok = 1; for my $b (qw(native ctr vm)) { for my $w (qw(tasks mem net-rr-nat)) {
	my $s = fig($b, $w, "startup.ready_ms"); $ok &&= @$s == 1 && $s->[0] > 0 } } $ok'
ok $? "every backend has startup.ready_ms > 0 on every workload"

json "$r" 'fig("vm","mem","tasks.host")->[0] >= 2 && fig("vm","mem","tasks.host_processes")->[0] >= 1'
ok $? "vm host tasks: the monitor and at least one vCPU thread"
json "$r" 'fig("native","mem","tasks.host")->[0] == 2 && fig("ctr","mem","tasks.host")->[0] >= 2 &&
	fig("ctr","mem","tasks.host")->[0] <= 4'
ok $? "native and ctr host tasks are few (native: init + workload; ctr: 2..4)"

json "$r" 'my ($vi, $vk, $ci, $ck) = map { fig($_->[0],"tasks",$_->[1])->[0] // -1 }
	["vm","tasks.inside"], ["vm","tasks.inside_kernel_threads"],
	["ctr","tasks.inside"], ["ctr","tasks.inside_kernel_threads"];
	$vk > 0 && $vi > $vk && $ck == 0 && $ci >= 1 && $vi > $ci'
ok $? "tasks inside: the guest's kernel threads count, the container shows none"

json "$r" 'my $ok = 1; for my $b (qw(native ctr vm)) { my $p = fig($b,"mem","memory.pss_mib")->[0] // 0;
	$ok &&= $p >= 64 && $p < 512 } $ok'
ok $? "memory.pss_mib of the mem workload (64 MiB touched) is in [64, 512) MiB everywhere"
json "$r" 'my $g = fig("vm","mem","memory.guest_ram_mib")->[0] // 0;
	$g >= 64 && $g <= fig("vm","mem","memory.pss_mib")->[0] && fig("ctr","mem","memory.cgroup_mib")->[0] >= 64'
ok $? "vm guest RAM resident >= 64 MiB and within its PSS; ctr cgroup charge >= 64 MiB"

json "$r" 'my $ok = 1; for my $b (qw(native ctr vm)) { my $p = fig($b,"net-rr-nat","net.rr_p50_us")->[0] // 0;
	$ok &&= $p > 0 } $ok'
ok $? "net-rr-nat: every backend reaches the sink through the NAT router"

# The CPU here is QEMU's TCG: /dev/kvm is real, the timings it gives are not.
json "$r" '$d->{environment}{kvm} eq "emulated" && $d->{environment}{emulated}'
ok $? "environment: KVM emulated"

left=$(leftovers "$rid")
[ -n "$rid" ] && [ -z "$left" ]
ok $? "nothing of run ${rid:-?} is left (${left:-nothing})"
tap_end
