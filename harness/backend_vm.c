/* vm: the project's KVM monitor, build/isovm, booting the guest kernel
 * with the image as initramfs; it traps the bench port and forwards event
 * lines. On the lab it gets a TAP in the switch namespace. */
#include <errno.h>
#include <stdio.h>

#include "backend_guest.h"
#include "backend_net.h"
#include "bench_ctx.h"
#include "env.h"
#include "fsutil.h"
#include "instance.h"
#include "netlab.h"

#define VM_CMDLINE_MAX 1024

static int vm_available(const struct bench_ctx *ctx, char *reason, size_t cap)
{
	const char *need[] = {BENCH_ISOVM, BENCH_KERNEL, BENCH_INITRD};

	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
		if (!bench_ctx_have(ctx, need[i], i == 0)) {
			snprintf(reason, cap, "%s is not built", need[i]);
			return -ENOENT;
		}
	}
	return env_kvm_check(reason, cap);
}

static void vm_version(const struct bench_ctx *ctx, char *buf, size_t cap)
{
	char path[PATH_MAX];
	char *argv[] = {path, "--version", NULL};

	if (bench_ctx_path(ctx, BENCH_ISOVM, path, sizeof(path), NULL) == 0)
		fsutil_first_line(argv, buf, cap);
}

static int vm_prepare(struct instance *inst, struct launch_cmd *cmd, struct iso_err *err)
{
	const struct bench_ctx *ctx = inst->ctx;
	char prog[PATH_MAX], kernel[PATH_MAX], initrd[PATH_MAX], tap[IFNAMSIZ];
	char cmdline[VM_CMDLINE_MAX];
	struct argv *a = &cmd->argv;
	int r;

	r = bench_ctx_path(ctx, BENCH_ISOVM, prog, sizeof(prog), err);
	if (r == 0)
		r = bench_ctx_path(ctx, BENCH_KERNEL, kernel, sizeof(kernel), err);
	if (r == 0)
		r = bench_ctx_path(ctx, BENCH_INITRD, initrd, sizeof(initrd), err);
	if (r == 0 && inst->net)
		r = netlab_attach_tap(ctx->net, inst->id, tap, sizeof(tap), err);
	if (r == 0)
		r = backend_guest_cmdline(inst, cmdline, sizeof(cmdline), err);
	if (r == 0)
		r = argv_add(a, err, "%s", prog);
	if (r == 0)
		r = argv_add(a, err, "--kernel=%s", kernel);
	if (r == 0)
		r = argv_add(a, err, "--initrd=%s", initrd);
	if (r == 0)
		r = argv_add(a, err, "--mem=%u", ctx->guest_mem_mib);
	if (r == 0)
		r = argv_add(a, err, "--cmdline=%s", cmdline);
	if (r == 0)
		r = argv_add(a, err, "--events-fd=%d", cmd->child_fd);
	if (r == 0)
		r = argv_add(a, err, "--timeout=%u", ctx->timeout_s);
	if (r == 0 && inst->net) {
		r = argv_add(a, err, "--netns=%s", netlab_switch_netns(ctx->net));
		if (r == 0)
			r = argv_add(a, err, "--tap=%s", tap);
	}
	inst->guest_ram_mib = ctx->guest_mem_mib;
	cmd->events = EVENTS_LINES;
	return r;
}

const struct backend backend_vm = {
	.name = "vm",
	.kind = BACKEND_VM,
	.summary = "isovm: the project's minimal KVM monitor",
	.uses_net = 1,
	.available = vm_available,
	.version = vm_version,
	.prepare = vm_prepare,
	.cleanup = backend_net_detach,
};
