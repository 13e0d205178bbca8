/* The guest's network parameters on the kernel command line.
 *
 *   bench.ip=ADDR/PREFIX   IPv4 address of the guest NIC, e.g. 10.0.0.2/24
 *                          (without it the init loads no NIC modules and
 *                          configures only `lo`)
 *   bench.gw=ADDR          optional default gateway
 *   bench.if=NAME          optional interface name, default eth0
 *
 * Dotted parameters are module-style to the kernel: it neither passes them
 * to init as arguments nor as environment, so the init reads /proc/cmdline.
 * Words after `--` are init's argv (the workload); nothing is parsed there.
 * Unknown bench.* parameters are an error, so a typo cannot go unnoticed. */
#ifndef BENCH_INIT_CMDLINE_H
#define BENCH_INIT_CMDLINE_H

#include <net/if.h>
#include <netinet/in.h>

#include "err.h"

struct init_net_cfg {
	int have_ip;
	struct in_addr addr;
	int prefix; /* 0..32 */
	int have_gw;
	struct in_addr gw;
	char ifname[IF_NAMESIZE];
};

/* Parse the kernel command line `cmdline` (contents of /proc/cmdline).
 * Returns 0, or -EINVAL with the offending parameter named in `err`. */
int init_cmdline_parse(const char *cmdline, struct init_net_cfg *cfg, struct iso_err *err);

#endif
