/* bwrap: bubblewrap with every namespace unshared and the image as a
 * read-only root (peer). The bench port is the inherited events pipe; on
 * the lab it starts inside the instance namespace and keeps it. */
#include <stdio.h>

#include "backend_net.h"
#include "bench_ctx.h"
#include "instance.h"

static int bwrap_prepare(struct instance *inst, struct launch_cmd *cmd, struct iso_err *err)
{
	char rootfs[PATH_MAX];
	struct argv *a = &cmd->argv;
	int r = bench_ctx_path(inst->ctx, BENCH_ROOTFS, rootfs, sizeof(rootfs), err);

	if (r == 0)
		r = backend_net_attach_veth(inst, cmd, err);
	if (r < 0)
		return r;
	argv_add(a, err, "%s", inst->be->program);
	argv_add_all(a,
		     (char *const[]){"--unshare-all", "--die-with-parent", "--ro-bind", rootfs, "/",
				     "--proc", "/proc", "--dev", "/dev", "--setenv", BENCH_PORT_ENV,
				     NULL},
		     err);
	argv_add(a, err, "fd:%d", cmd->child_fd);
	if (inst->net)
		argv_add(a, err, "--share-net");
	argv_add(a, err, "--");
	argv_add(a, err, "/init");
	argv_add_all(a, inst->workload, err);
	cmd->events = EVENTS_FRAMES;
	return a->error;
}

const struct backend backend_bwrap = {
	.name = "bwrap",
	.kind = BACKEND_CONTAINER,
	.summary = "bubblewrap --unshare-all, image as read-only root (peer)",
	.peer = 1,
	.uses_net = 1,
	.program = "/usr/bin/bwrap",
	.needs = {BENCH_ROOTFS "/init"},
	.version = backend_program_version,
	.prepare = bwrap_prepare,
	.cleanup = backend_net_detach,
};
