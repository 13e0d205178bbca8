/* IPv4 routes over an rtnetlink socket (libnl-route-3), shared by the
 * network lab and isoctr. */
#ifndef ISO_NL_ROUTE_H
#define ISO_NL_ROUTE_H

#include <netlink/netlink.h>

#include "err.h"

/* Add a default route via `gw` (dotted quad) in the namespace `sk` is
 * bound to, through interface `ifindex` (0: the kernel picks it from the
 * gateway's subnet). Returns 0 or -EIO/-ENOMEM with the reason. */
int nl_route_default(struct nl_sock *sk, int ifindex, const char *gw, struct iso_err *err);

#endif
