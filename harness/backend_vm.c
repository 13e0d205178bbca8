/* vm: the project's KVM monitor, build/isovm, booting the guest kernel
 * with the image as initramfs; it traps the bench port and forwards event
 * lines. On the lab it gets a TAP in the switch namespace. */
#include <net/if.h>
#include <stdio.h>

#include "backend_guest.h"
#include "backend_net.h"
#include "bench_ctx.h"
#include "instance.h"
#include "netlab.h"

static int vm_prepare(struct instance *inst, struct launch_cmd *cmd, struct iso_err *err)
{
	const struct bench_ctx *ctx = inst->ctx;
	char prog[PATH_MAX], tap[IFNAMSIZ];
	struct guest_boot g;
	struct argv *a = &cmd->argv;
	int r;

	r = backend_program(inst->be, ctx, prog, sizeof(prog), err);
	if (r == 0 && inst->net)
		r = netlab_attach_tap(ctx->net, inst->id, tap, sizeof(tap), err);
	if (r == 0)
		r = backend_guest_boot(inst, &g, err);
	if (r < 0)
		return r;
	argv_add(a, err, "%s", prog);
	argv_add(a, err, "--kernel=%s", g.kernel);
	argv_add(a, err, "--initrd=%s", g.initrd);
	argv_add(a, err, "--mem=%u", ctx->guest_mem_mib);
	argv_add(a, err, "--cmdline=%s", g.cmdline);
	argv_add(a, err, "--events-fd=%d", cmd->child_fd);
	argv_add(a, err, "--timeout=%u", ctx->timeout_s);
	if (inst->net) {
		argv_add(a, err, "--netns=%s", netlab_switch_netns(ctx->net));
		argv_add(a, err, "--tap=%s", tap);
	}
	inst->guest_ram_mib = ctx->guest_mem_mib;
	cmd->events = EVENTS_LINES;
	return a->error;
}

const struct backend backend_vm = {
	.name = "vm",
	.kind = BACKEND_VM,
	.summary = "isovm: the project's minimal KVM monitor",
	.uses_net = 1,
	.program = BENCH_ISOVM,
	.needs = {BENCH_KERNEL, BENCH_INITRD},
	.available = backend_guest_kvm,
	.version = backend_program_version,
	.prepare = vm_prepare,
	.cleanup = backend_net_detach,
};
