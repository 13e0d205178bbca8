/* What the VM backends (isovm, QEMU microvm) share: the guest's kernel
 * command line, which carries the init's network parameters and, after
 * "--", the workload and its arguments (bench/init/init_cmdline.h). */
#ifndef ISO_BACKEND_GUEST_H
#define ISO_BACKEND_GUEST_H

#include <stddef.h>

#include "instance.h"

#define GUEST_CMDLINE_MAX 1024

/* What a VM backend boots: the guest kernel, the image as initramfs, and
 * the kernel command line. */
struct guest_boot {
	char kernel[PATH_MAX];
	char initrd[PATH_MAX];
	char cmdline[GUEST_CMDLINE_MAX];
};

/* "console=ttyS0 ... [bench.ip=A/24] [bench.gw=G] -- WORKLOAD ARGS" into
 * buf. */
int backend_guest_cmdline(const struct instance *inst, char *buf, size_t cap, struct iso_err *err);

/* Fill `g` for `inst` (paths under inst->ctx's tree). */
int backend_guest_boot(const struct instance *inst, struct guest_boot *g, struct iso_err *err);

/* backend.available of VM backends: a KVM that boots the guest
 * (env_kvm_check). */
int backend_guest_kvm(const struct bench_ctx *ctx, char *reason, size_t cap);

#endif
