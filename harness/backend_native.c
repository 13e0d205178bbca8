/* native: the image's init run directly on the host (fork/exec), in its
 * own network namespace when the workload needs the lab. The baseline
 * every overhead is measured against. */
#include <errno.h>
#include <stdio.h>

#include "bench_ctx.h"
#include "instance.h"
#include "backend_net.h"

#define NATIVE_INIT BENCH_ROOTFS "/init"

static int native_available(const struct bench_ctx *ctx, char *reason, size_t cap)
{
	if (bench_ctx_have(ctx, NATIVE_INIT, 1))
		return 0;
	snprintf(reason, cap, "%s is not built (make image)", NATIVE_INIT);
	return -ENOENT;
}

static int native_prepare(struct instance *inst, struct launch_cmd *cmd, struct iso_err *err)
{
	char path[PATH_MAX];
	int r = bench_ctx_path(inst->ctx, NATIVE_INIT, path, sizeof(path), err);

	if (r == 0)
		r = backend_net_attach_veth(inst, cmd, err);
	if (r == 0)
		r = argv_add(&cmd->argv, err, "%s", path);
	if (r == 0)
		r = argv_add_all(&cmd->argv, inst->workload, err);
	if (r == 0)
		r = argv_add(&cmd->env, err, "%s=fd:%d", BENCH_PORT_ENV, cmd->child_fd);
	cmd->events = EVENTS_FRAMES;
	return r;
}

const struct backend backend_native = {
	.name = "native",
	.kind = BACKEND_NATIVE,
	.summary = "the image's init run directly on the host (baseline)",
	.uses_net = 1,
	.available = native_available,
	.prepare = native_prepare,
	.cleanup = backend_net_detach,
};
