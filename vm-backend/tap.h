/* TAP net backend: a Linux tun/tap device in TAP mode with the virtio-net
 * header (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR). */
#ifndef ISOVM_TAP_H
#define ISOVM_TAP_H

#include "net_backend.h"

/* Open TAP `name` (created, non-persistent, if absent) inside network
 * namespace `netns` (a path, or a name under /run/netns; NULL: ours), or,
 * when `fd` >= 0, use that open TAP descriptor (duplicated: the caller
 * keeps its own; it must have IFF_VNET_HDR). The calling thread returns
 * to its own namespace before this returns, also on failure. */
int tap_open(const char *name, const char *netns, int fd, struct net_backend **out,
	     struct iso_err *err);

#endif
