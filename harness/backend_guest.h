/* What the VM backends (isovm, QEMU microvm) share: the guest's kernel
 * command line, which carries the init's network parameters and, after
 * "--", the workload and its arguments (bench/init/init_cmdline.h). */
#ifndef ISO_BACKEND_GUEST_H
#define ISO_BACKEND_GUEST_H

#include <stddef.h>

#include "instance.h"

/* "console=ttyS0 ... [bench.ip=A/24] [bench.gw=G] -- WORKLOAD ARGS" into
 * buf. */
int backend_guest_cmdline(const struct instance *inst, char *buf, size_t cap, struct iso_err *err);

#endif
