#!/bin/sh
# The image boots as a VM's initramfs and its init does the VM part of its
# job: mounts, NIC modules, eth0 from bench.ip, the workload, EXIT over the
# I/O port. The VM is QEMU under TCG (no KVM needed); an isa-debugcon
# device at BENCH_PORT_IO (0x0b00) turns the port's bytes into a file that
# portcat decodes with the same port reader the backends use. The NIC is a
# TAP in a namespace this test creates, with bench-sink behind it.
. "$(dirname "$0")/../lib/tap.sh"
. "$top/scripts/lib-netpair.sh"
portcat="$top/build/portcat"
sink="$top/build/bench-sink"
kernel="$top/build/guest/vmlinuz"
initrd="$top/build/image/initramfs.cpio"
sink_pid=
vm_ns=
rid=

tap_cleanup() {
	[ -z "$sink_pid" ] || kill "$sink_pid" 2>/dev/null
	[ -z "$vm_ns" ] || ip netns del "$vm_ns" 2>/dev/null
	[ -z "$rid" ] || runid_release "$rid"
}

tap_diag() {
	tail -n 5 "$tmp/console" 2>/dev/null | sed "s/^/# console: /"
	diag_file events "$tmp/out"
}

# boot NETNS|- "KERNEL PARAMS -- WORKLOAD ARGS" [QEMU ARGS...]: events of
# the bench port in $tmp/out.
boot() {
	ns=$1 append=$2
	shift 2
	rm -f "$tmp/port"
	set -- timeout 300 qemu-system-x86_64 -M pc -m 256 -display none -no-reboot \
		-serial "file:$tmp/console" -kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 $append" \
		-chardev "file,id=bp,path=$tmp/port" -device isa-debugcon,iobase=0xb00,chardev=bp "$@"
	if [ "$ns" = - ]; then
		"$@" -nic none
	else
		ip netns exec "$ns" "$@"
	fi
	"$portcat" -- sh -c "cat '$tmp/port' >&3" >"$tmp/out" 2>>"$tmp/console"
}

val() {
	awk -v k="$1" '$2 == "REPORT" && $3 == k { print $4 }' "$tmp/out"
}

kinds() {
	awk '{ printf "%s%s", sep, $2; sep = " " }' "$tmp/out"
}

need "$portcat" "$sink" "$kernel" "$initrd" /usr/bin/qemu-system-x86_64
echo "1..5"

boot - "quiet -- ready 3"
[ "$(kinds)" = "READY EXIT" ] && grep -q ' EXIT 3$' "$tmp/out"
ok $? "VM: ready 3 -> READY, EXIT 3 over the I/O port"

boot - "quiet -- tasks"
k=$(val kernel_threads)
[ "$(val processes)" = 2 ] && [ "${k:-0}" -gt 0 ] && grep -q ' EXIT 0$' "$tmp/out"
ok $? "VM: tasks sees init and itself, and ${k:-no} kernel threads"

boot - "quiet bench.ip=10.0.0.2 -- ready"
[ "$(kinds)" = EXIT ] && grep -q ' EXIT 126$' "$tmp/out" &&
	grep -q 'init: kernel command line: bench.ip=10.0.0.2: expected ADDR/PREFIX' "$tmp/console"
ok $? "VM: a bad bench.ip is named on the console and ends the VM with EXIT 126"

# NIC: a TAP in our own namespace, bench-sink on its address.
rid=$(runid_new)
vm_ns="isob-$rid-vm"
tap="ib${rid}t0"
runid_own "$rid"
ip netns add "$vm_ns" && ip -n "$vm_ns" tuntap add "$tap" mode tap &&
	ip -n "$vm_ns" addr add 10.203.1.1/24 dev "$tap" && ip -n "$vm_ns" link set "$tap" up &&
	ip -n "$vm_ns" link set lo up
ip netns exec "$vm_ns" "$sink" --listen 10.203.1.1:5201 --max-seconds 600 >/dev/null 2>&1 &
sink_pid=$!
nic="-netdev tap,id=n0,ifname=$tap,script=no,downscript=no -device virtio-net-pci,netdev=n0"

# shellcheck disable=SC2086
boot "$vm_ns" "quiet bench.ip=10.203.1.2/24 bench.gw=10.203.1.1 -- net-rr 10.203.1.1 5201 --seconds 1" $nic
p50=$(val p50_us) p99=$(val p99_us)
grep -q ' EXIT 0$' "$tmp/out" && awk "BEGIN { exit !($(val requests) > 0 && $p50 <= $p99) }"
ok $? "VM: virtio_net loaded, eth0 configured, net-rr p50 ${p50:-none} <= p99 ${p99:-none} us"

# shellcheck disable=SC2086
boot "$vm_ns" "quiet bench.ip=10.203.1.2/24 -- net-stream 10.203.1.1 5201 --seconds 1 --warmup 0.5 --recv" $nic
g=$(val gbps)
grep -q ' EXIT 0$' "$tmp/out" && awk "BEGIN { exit !(${g:-0} > 0) }"
ok $? "VM: net-stream --recv over virtio-net, gbps ${g:-none} > 0"
