/* native: the image's init run directly on the host (fork/exec), in its
 * own network namespace when the workload needs the lab. The baseline
 * every overhead is measured against. */
#include <stdio.h>

#include "backend_net.h"
#include "bench_ctx.h"
#include "instance.h"

static int native_prepare(struct instance *inst, struct launch_cmd *cmd, struct iso_err *err)
{
	char path[PATH_MAX];
	int r = backend_program(inst->be, inst->ctx, path, sizeof(path), err);

	if (r == 0)
		r = backend_net_attach_veth(inst, cmd, err);
	if (r < 0)
		return r;
	argv_add(&cmd->argv, err, "%s", path);
	argv_add_all(&cmd->argv, inst->workload, err);
	argv_add(&cmd->env, err, "%s=fd:%d", BENCH_PORT_ENV, cmd->child_fd);
	cmd->events = EVENTS_FRAMES;
	return cmd->argv.error ? cmd->argv.error : cmd->env.error;
}

const struct backend backend_native = {
	.name = "native",
	.kind = BACKEND_NATIVE,
	.summary = "the image's init run directly on the host (baseline)",
	.uses_net = 1,
	.program = BENCH_ROOTFS "/init",
	.prepare = native_prepare,
	.cleanup = backend_net_detach,
};
