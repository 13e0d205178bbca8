/* What VM backends share: the guest's boot files and command line, KVM. */
#include "backend_guest.h"

#include <errno.h>
#include <stdio.h>

#include "bench_ctx.h"
#include "env.h"

/* Kernel parameters (Documentation/admin-guide/kernel-parameters.txt):
 * serial console, quiet boot (console output is slow, above all when
 * emulated), panic=-1 reboots at once so a broken guest ends the VM. */
#define GUEST_CMDLINE_BASE "console=ttyS0 quiet panic=-1"

int backend_guest_cmdline(const struct instance *inst, char *buf, size_t cap, struct iso_err *err)
{
	size_t off;
	int n;

	n = snprintf(buf, cap, "%s%s%s%s%s --", GUEST_CMDLINE_BASE, inst->ip[0] ? " bench.ip=" : "",
		     inst->ip, inst->gw[0] ? " bench.gw=" : "", inst->gw);
	for (char *const *a = inst->workload; n >= 0 && (size_t)n < cap && *a; a++) {
		off = (size_t)n;
		n = snprintf(buf + off, cap - off, " %s", *a);
		n = n < 0 ? n : n + (int)off;
	}
	if (n < 0 || (size_t)n >= cap)
		return iso_err_input(err, -EMSGSIZE, "kernel command line longer than %zu", cap);
	return 0;
}

int backend_guest_boot(const struct instance *inst, struct guest_boot *g, struct iso_err *err)
{
	int r = bench_ctx_path(inst->ctx, BENCH_KERNEL, g->kernel, sizeof(g->kernel), err);

	if (r == 0)
		r = bench_ctx_path(inst->ctx, BENCH_INITRD, g->initrd, sizeof(g->initrd), err);
	return r < 0 ? r : backend_guest_cmdline(inst, g->cmdline, sizeof(g->cmdline), err);
}

int backend_guest_kvm(const struct bench_ctx *ctx, char *reason, size_t cap)
{
	(void)ctx;
	return env_kvm_check(reason, cap);
}
