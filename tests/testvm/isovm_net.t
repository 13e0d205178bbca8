#!/bin/sh
# isovm's virtio-net inside the emulated KVM machine: a lab of two network
# namespaces made here (a bridge with the guest's TAP, and a peer on a veth
# running bench-sink), then guests whose workloads talk TCP to the peer:
# virtio-net -> TAP -> bridge -> veth -> peer and back. Also: a TAP that
# isovm creates itself is gone when it exits, and bad TAP options fail with
# isovm's device-failure status. Every name carries a run id; the lab is
# removed on every path.
. "$(dirname "$0")/../lib/tap.sh"
isovm=$top/build/isovm
sink=$top/build/bench-sink
kernel=$top/build/guest/vmlinuz
initrd=$top/build/image/initramfs.cpio
EXIT_HOST=246 # isovm: KVM, host or device failure (isovm --help)

. "$top/scripts/lib-runid.sh"
rid=$(runid_new)
brns=isob-$rid-br
peerns=isob-$rid-peer
bridge=ib${rid}br0
tap=ib${rid}t0
tap_own=ib${rid}t1
veth_br=ib${rid}v0
veth_peer=ib${rid}v1
peer_ip=10.77.0.1
guest_ip=10.77.0.2
port=5201
sink_pid=

tap_cleanup() {
	[ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null && wait "$sink_pid" 2>/dev/null
	ip netns del "$brns" 2>/dev/null
	ip netns del "$peerns" 2>/dev/null
	runid_release "$rid"
}

echo "1..17"
need "$isovm" "$sink" "$kernel" "$initrd"

# The sweeper (harness/sweep.h) removes this run's namespaces should we die
# without running the trap, and leaves them alone while this shell lives.
runid_own "$rid"

lab() {
	ip netns add "$brns" &&
		ip netns add "$peerns" &&
		ip -n "$brns" link add "$bridge" type bridge &&
		ip -n "$brns" link set "$bridge" up &&
		ip -n "$brns" tuntap add dev "$tap" mode tap &&
		ip -n "$brns" link set "$tap" master "$bridge" up &&
		ip -n "$brns" link add "$veth_br" type veth peer name "$veth_peer" netns "$peerns" &&
		ip -n "$brns" link set "$veth_br" master "$bridge" up &&
		ip -n "$peerns" link set lo up &&
		ip -n "$peerns" addr add "$peer_ip/24" dev "$veth_peer" &&
		ip -n "$peerns" link set "$veth_peer" up
}
if lab 2>"$tmp/lab.err"; then
	ok 0 "lab: bridge namespace with TAP $tap, peer namespace on a veth"
else
	ok 1 "lab: bridge namespace with TAP $tap, peer namespace on a veth"
	sed 's/^/# /' "$tmp/lab.err" >&2
	exit 1
fi

# One sink serves every guest below; it stops by itself.
ip netns exec "$peerns" "$sink" --listen "$peer_ip:$port" --max-seconds 900 \
	>"$tmp/sink.out" 2>&1 &
sink_pid=$!

# guest NAME [ISOVM_OPTION...] -- WORKLOAD...: boot with the lab's TAP and
# the guest address; console, events and stderr in $tmp/NAME.{con,ev,err};
# returns isovm's status.
guest() {
	name=$1
	shift
	opts=
	while [ "$1" != -- ]; do
		opts="$opts $1"
		shift
	done
	shift
	# shellcheck disable=SC2086 # $opts: isovm options, words without spaces
	"$isovm" --kernel "$kernel" --initrd "$initrd" --mem 256 --timeout 300 \
		--netns "$brns" --tap "$tap" --mac 52:54:00:0a:4d:02 $opts \
		--console "$tmp/$name.con" --events-fd 3 \
		--cmdline "bench.ip=$guest_ip/24 -- $*" 3>"$tmp/$name.ev" 2>"$tmp/$name.err"
}

# report NAME KEY: the value of the guest's REPORT KEY.
report() {
	awk -v k="$2" '$2 == "REPORT" && $3 == k { print $4 }' "$tmp/$1.ev"
}

diag() {
	sed 's/^/# /' "$tmp/$1.err" >&2
	grep -i -E 'virtio|eth0|bench|error' "$tmp/$1.con" | tail -n 15 | sed 's/^/# console: /' >&2
	sed 's/^/# event: /' "$tmp/$1.ev" >&2
}

# positive NAME KEY DESCRIPTION: REPORT KEY is a number > 0.
positive() {
	v=$(report "$1" "$2")
	if [ -n "$v" ] && awk -v v="$v" 'BEGIN { exit !(v + 0 > 0) }'; then
		ok 0 "$3 ($2 $v)"
	else
		ok 1 "$3 ($2 '${v}')"
		diag "$1"
	fi
}

# status NAME WANT GOT DESCRIPTION
status() {
	if [ "$3" = "$2" ]; then
		ok 0 "$4"
	else
		ok 1 "$4: status $3, expected $2"
		diag "$1"
	fi
}

# 1. Request/response: the guest's eth0 has its address and TCP works.
guest rr -- net-rr "$peer_ip" "$port" --seconds 2
status rr 0 $? "net-rr guest exits 0"
positive rr requests "net-rr round trips guest <-> peer over virtio-net, TAP and bridge"

# 2. Bulk streams both ways.
guest send -- net-stream "$peer_ip" "$port" --seconds 3 --send
status send 0 $? "net-stream --send guest exits 0"
positive send bytes "net-stream guest -> peer"
guest recv -- net-stream "$peer_ip" "$port" --seconds 3 --recv
status recv 0 $? "net-stream --recv guest exits 0"
positive recv bytes "net-stream peer -> guest"

# 3. Those bytes crossed the TAP: it received at least what the guest
# reported sending and sent at least what it reported receiving (the
# reports count only the window after the warm-up).
counter() {
	ip netns exec "$brns" cat "/sys/class/net/$tap/statistics/$1" 2>/dev/null
}
tap_rx=$(counter rx_bytes)
tap_tx=$(counter tx_bytes)
sent=$(report send bytes)
received=$(report recv bytes)
if [ -n "$sent" ] && [ -n "$received" ] &&
	[ "${tap_rx:-0}" -ge "$sent" ] && [ "${tap_tx:-0}" -ge "$received" ]; then
	ok 0 "TAP carried the streams (rx $tap_rx >= $sent, tx $tap_tx >= $received bytes)"
else
	ok 1 "TAP carried the streams (rx '$tap_rx' vs '$sent', tx '$tap_tx' vs '$received')"
fi

# 4. --tap-fd: the caller opens the TAP (here perl, inside the bridge
# namespace: TUNSETIFF with IFF_TAP|IFF_NO_PI|IFF_VNET_HDR, per
# linux/if_tun.h) and isovm only inherits the descriptor.
ip netns exec "$brns" perl -e '
	$^F = 255; # keep the descriptor across exec
	open(my $tun, "+<", "/dev/net/tun") or die "open /dev/net/tun: $!\n";
	ioctl($tun, 0x400454ca, pack("a16 s x22", $ARGV[0], 0x0002 | 0x1000 | 0x4000))
		or die "TUNSETIFF $ARGV[0]: $!\n";
	shift @ARGV;
	splice(@ARGV, 1, 0, "--tap-fd", fileno($tun));
	exec(@ARGV) or die "exec: $!\n";' "$tap" \
	"$isovm" --kernel "$kernel" --initrd "$initrd" --mem 256 --timeout 300 \
	--console "$tmp/fd.con" --events-fd 3 \
	--cmdline "bench.ip=$guest_ip/24 -- net-rr $peer_ip $port --seconds 2" \
	3>"$tmp/fd.ev" 2>"$tmp/fd.err"
status fd 0 $? "net-rr guest on an inherited --tap-fd exits 0"
positive fd requests "net-rr round trips over the inherited TAP descriptor"

# 5. The legacy virtio-pci interface (--virtio-legacy: no modern
# capabilities, no VERSION_1): the guest's driver leaves the device to its
# legacy code, which negotiates it (isovm logs the interface under
# --verbose) and carries TCP through it.
guest legacy --virtio-legacy --verbose -- net-rr "$peer_ip" "$port" --seconds 2
status legacy 0 $? "net-rr guest on the legacy interface exits 0"
positive legacy requests "net-rr round trips over legacy virtio-pci"
if grep -q 'virtio-net: driver ok (legacy interface' "$tmp/legacy.err"; then
	ok 0 "the guest drove the device through the legacy interface"
else
	ok 1 "the guest drove the device through the legacy interface"
	grep 'driver ok' "$tmp/legacy.err" | sed 's/^/# /'
fi

# 6. A TAP isovm creates itself (absent before) does not outlive it.
guest_own() {
	"$isovm" --kernel "$kernel" --initrd "$initrd" --timeout 300 "$@" \
		--console "$tmp/own.con" --cmdline "-- ready 5" 3>"$tmp/own.ev" 2>"$tmp/own.err"
}
guest_own --netns "$brns" --tap "$tap_own"
status own 5 $? "guest on a TAP isovm created returns the workload's status"
if ip -n "$brns" link show "$tap_own" >/dev/null 2>&1; then
	ok 1 "isovm's own TAP $tap_own is gone after exit"
else
	ok 0 "isovm's own TAP $tap_own is gone after exit"
fi

# 7. Bad TAP options: one line naming the problem, device-failure status.
guest_own --netns "isob-$rid-absent" --tap "$tap_own"
got=$?
if [ "$got" = "$EXIT_HOST" ] && grep -q "netns" "$tmp/own.err" &&
	[ "$(wc -l <"$tmp/own.err")" -le 2 ]; then
	ok 0 "absent --netns fails with $EXIT_HOST and says why"
else
	ok 1 "absent --netns fails with $EXIT_HOST and says why (status $got)"
	sed 's/^/# /' "$tmp/own.err" >&2
fi
guest_own --tap-fd 0 </dev/null
got=$?
if [ "$got" = "$EXIT_HOST" ] && grep -q "tun/tap" "$tmp/own.err"; then
	ok 0 "--tap-fd on a non-TAP descriptor fails with $EXIT_HOST and says why"
else
	ok 1 "--tap-fd on a non-TAP descriptor fails with $EXIT_HOST and says why (status $got)"
	sed 's/^/# /' "$tmp/own.err" >&2
fi
tap_end
