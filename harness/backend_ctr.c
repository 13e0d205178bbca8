/* ctr: the project's namespace container runtime, build/isoctr, with the
 * image directory as its read-only rootfs; it forwards event lines. */
#include <stdio.h>

#include "bench_ctx.h"
#include "instance.h"
#include "netlab.h"

static int ctr_prepare(struct instance *inst, struct launch_cmd *cmd, struct iso_err *err)
{
	const struct bench_ctx *ctx = inst->ctx;
	char prog[PATH_MAX], rootfs[PATH_MAX];
	struct argv *a = &cmd->argv;
	int r;

	r = backend_program(inst->be, ctx, prog, sizeof(prog), err);
	if (r == 0)
		r = bench_ctx_path(ctx, BENCH_ROOTFS, rootfs, sizeof(rootfs), err);
	if (r < 0)
		return r;
	argv_add(a, err, "%s", prog);
	argv_add(a, err, "run");
	argv_add(a, err, "--rootfs=%s", rootfs);
	argv_add(a, err, "--run-id=%s", ctx->rid);
	argv_add(a, err, "--name=i%u", inst->id);
	argv_add(a, err, "--events-fd=%d", cmd->child_fd);
	if (inst->net) {
		argv_add(a, err, "--netns=%s", netlab_switch_netns(ctx->net));
		argv_add(a, err, "--bridge=%s", netlab_bridge(ctx->net));
		argv_add(a, err, "--ip=%s", inst->ip);
		if (inst->gw[0])
			argv_add(a, err, "--gw=%s", inst->gw);
	}
	argv_add(a, err, "--");
	argv_add(a, err, "/init");
	argv_add_all(a, inst->workload, err);
	cmd->events = EVENTS_LINES;
	return a->error;
}

const struct backend backend_ctr = {
	.name = "ctr",
	.kind = BACKEND_CONTAINER,
	.summary = "isoctr: the project's namespace container runtime",
	.uses_net = 1,
	.program = BENCH_ISOCTR,
	.needs = {BENCH_ROOTFS "/init"},
	.version = backend_program_version,
	.prepare = ctr_prepare,
};
