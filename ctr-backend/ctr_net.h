/* Container networking over rtnetlink (libnl-route-3): the veth pair whose
 * inner end is created directly inside the container's namespace as eth0
 * and whose outer end is created directly inside the bridge's namespace,
 * enslaved and up — one RTM_NEWLINK, no interface ever moves between
 * namespaces — and the container side's addresses and routes. */
#ifndef ISOCTR_CTR_NET_H
#define ISOCTR_CTR_NET_H

#include <stdbool.h>

#include "ctr.h"
#include "err.h"

struct nl_sock;

struct ctr_net {
	int ns_fd;	    /* the bridge's network namespace */
	struct nl_sock *sk; /* rtnetlink socket bound inside it */
	int bridge_ifindex; /* in that namespace */
	char outer[16];	    /* ib<rid>c<n> once created */
	bool created;
};

/* Open `netns` (a name in /run/netns, or a path) and find `bridge` in it.
 * On failure *cls is CTR_EXIT_NETNS (no such namespace) or CTR_EXIT_NET
 * (no such bridge, not a bridge, netlink failure). */
int ctr_net_open(struct ctr_net *n, const char *netns, const char *bridge, enum ctr_exit *cls,
		 struct iso_err *err);

/* Create the pair: outer end ib<rid>c<k> (lowest free k) in the bridge's
 * namespace, enslaved and up; inner end "eth0" (down) in the namespace of
 * `ctr_netns_fd`. */
int ctr_net_add_veth(struct ctr_net *n, const char *rid, int ctr_netns_fd, struct iso_err *err);

/* Delete the outer end if this object created it (the inner end goes with
 * it), close everything. Idempotent; safe on a zeroed object with ns_fd -1. */
void ctr_net_close(struct ctr_net *n);

/* Move the calling thread (only) into a new network namespace and return
 * a descriptor of it in *fd (close-on-exec). */
int ctr_net_new_ns(int *fd, struct iso_err *err);

/* Inside the container's namespace: bring lo up, and with `ip`
 * (ADDR/PREFIX) bring eth0 up with that address, plus a default route via
 * `gw` when not empty. */
int ctr_net_configure(const char *ip, const char *gw, struct iso_err *err);

#endif
