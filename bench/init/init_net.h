/* Guest network set-up by the init in a VM: loopback up, and the NIC named
 * in the command-line parameters (init_cmdline.h) up with its address and
 * optional default route. Plain SIOC* ioctls: no shell, no netlink
 * library in the image. */
#ifndef BENCH_INIT_NET_H
#define BENCH_INIT_NET_H

#include "err.h"
#include "init_cmdline.h"

/* Bring `lo` up; with cfg->have_ip also configure cfg->ifname. */
int init_net_setup(const struct init_net_cfg *cfg, struct iso_err *err);

#endif
