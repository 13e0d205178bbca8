/* The network lab (DESIGN.md "The network lab"): per run, a bridge in its
 * own namespace isob-<rid>-sw (the virtual switch), a sink namespace
 * isob-<rid>-sink on it running build/bench-sink, and per instance a veth
 * (native and container peers: the harness makes the instance namespace
 * isob-<rid>-i<n>; isoctr makes its own) or a TAP created in the switch
 * namespace and enslaved to the bridge (VMs). Addresses come from one
 * private /24 per run and live only inside these namespaces; the host's
 * interfaces, routes and firewall are never touched. Built with
 * libnl-route-3.
 *
 * The NAT variant (like VMnet#0) adds a router namespace isob-<rid>-rt:
 * eth0 on the bridge (.254, the gateway of NAT instances) and an upstream
 * veth to the sink namespace (10.78.<x>.0/24), forwarding and masquerading
 * with nftables rules loaded inside that namespace only (nft, the one
 * program the lab runs besides the sink). The sink listens on both legs:
 * at netlab_sink_ip() straight across the bridge, at netlab_nat_sink_ip()
 * only through the router. */
#ifndef ISO_NETLAB_H
#define ISO_NETLAB_H

#include <limits.h>
#include <net/if.h>

#include "err.h"
#include "runid.h"

#define NETLAB_NETNS_DIR "/run/netns"
#define NETLAB_PREFIX	 24
/* Instance n gets host address NETLAB_HOST_FIRST + n of the /24. */
#define NETLAB_HOST_FIRST 10
#define NETLAB_HOSTS_MAX  240

struct netlab;

struct netlab_config {
	const char *rid;
	const char *sink_path; /* build/bench-sink */
	int sink_cpu;	       /* -1: not pinned */
	const char *sink_log;  /* sink's stdout and stderr */
	int nat;	       /* build the NAT router too */
};

/* Build the switch and the sink namespaces, the bridge, the sink's veth,
 * and start the sink. On failure everything built so far is removed. */
int netlab_create(const struct netlab_config *cfg, struct netlab **out, struct iso_err *err);

/* Make sure the sink runs, listens, and has life left for one more
 * instance: one that ended (bench-sink's bounded life, or killed), lost
 * its listening socket or nears its end is replaced. Call before each
 * network instance. */
int netlab_sink_ensure(struct netlab *lab, struct iso_err *err);

/* Stop the sink, delete every namespace and link of the lab. Idempotent;
 * NULL is fine. */
void netlab_destroy(struct netlab *lab);

/* The sink's address and TCP port, as workload arguments. */
const char *netlab_sink_ip(const struct netlab *lab);
const char *netlab_sink_port(const struct netlab *lab);

/* The NAT router's address on the bridge, and the sink's address behind
 * it; "" when the lab has no router. */
const char *netlab_gateway(const struct netlab *lab);
const char *netlab_nat_sink_ip(const struct netlab *lab);

/* Path of the switch namespace and the bridge's name (isoctr --netns,
 * --bridge). */
const char *netlab_switch_netns(const struct netlab *lab);
const char *netlab_bridge(const struct netlab *lab);

/* Address "a.b.c.d/24" of instance `n` into `ip`. */
int netlab_instance_ip(const struct netlab *lab, unsigned int n, char *ip, size_t cap,
		       struct iso_err *err);

/* Make namespace isob-<rid>-i<n> with eth0 (address of instance n, up,
 * default route via `gw` unless "") whose peer is enslaved to the bridge;
 * the veth is created directly in its target namespaces. Fills the
 * namespace path. */
int netlab_attach_veth(struct netlab *lab, unsigned int n, const char *gw, char *netns, size_t cap,
		       struct iso_err *err);

/* Make TAP ib<rid>t<n> in the switch namespace, enslaved and up. */
int netlab_attach_tap(struct netlab *lab, unsigned int n, char *tap, size_t cap,
		      struct iso_err *err);

/* Remove instance n's namespace or TAP. Idempotent. */
void netlab_detach(struct netlab *lab, unsigned int n);

#endif
