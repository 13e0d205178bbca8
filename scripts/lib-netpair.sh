# Sourced by tests and benchmarks (sh): a veth pair between two network
# namespaces that this run creates and owns, named by the project's
# convention so that an interrupted run is swept on the next start.
#
#   netpair_up      sets NETPAIR_RID, NETPAIR_WL (workload netns),
#                   NETPAIR_SINK (sink netns), NETPAIR_WL_IP, NETPAIR_SINK_IP
#   netpair_down    removes all of it; idempotent, safe in an EXIT trap
#
# Every address lives only inside the two namespaces; nothing touches the
# host's interfaces or routes.
# The caller sets $top to the repository.
. "$top/scripts/lib-runid.sh"
NETPAIR_WL_IP=10.203.0.1
NETPAIR_SINK_IP=10.203.0.2

netpair_up() {
	NETPAIR_RID=$(runid_new)
	NETPAIR_WL="isob-$NETPAIR_RID-wl"
	NETPAIR_SINK="isob-$NETPAIR_RID-sink"
	runid_own "$NETPAIR_RID" &&
		ip netns add "$NETPAIR_WL" &&
		ip netns add "$NETPAIR_SINK" &&
		ip link add "ib${NETPAIR_RID}w0" netns "$NETPAIR_WL" type veth \
			peer name "ib${NETPAIR_RID}s0" netns "$NETPAIR_SINK" &&
		ip -n "$NETPAIR_WL" addr add "$NETPAIR_WL_IP/24" dev "ib${NETPAIR_RID}w0" &&
		ip -n "$NETPAIR_SINK" addr add "$NETPAIR_SINK_IP/24" dev "ib${NETPAIR_RID}s0" &&
		ip -n "$NETPAIR_WL" link set lo up &&
		ip -n "$NETPAIR_SINK" link set lo up &&
		ip -n "$NETPAIR_WL" link set "ib${NETPAIR_RID}w0" up &&
		ip -n "$NETPAIR_SINK" link set "ib${NETPAIR_RID}s0" up
}

netpair_down() {
	[ -n "${NETPAIR_RID:-}" ] || return 0
	# Processes left in the namespaces would keep them alive.
	for ns in "$NETPAIR_WL" "$NETPAIR_SINK"; do
		pids=$(ip netns pids "$ns" 2>/dev/null)
		[ -z "$pids" ] || kill $pids 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	runid_release "$NETPAIR_RID"
	NETPAIR_RID=
}
