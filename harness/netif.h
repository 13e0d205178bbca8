/* Network interfaces through SIOC* ioctls (netdevice(7)): bringing a link
 * up needs no netlink socket. Shared by the guest init and isoctr. */
#ifndef ISO_NETIF_H
#define ISO_NETIF_H

#include "err.h"

/* Set IFF_UP on interface `name`, keeping its other flags; `sock` is any
 * socket of the interface's network namespace. */
int netif_up(int sock, const char *name, struct iso_err *err);

#endif
