/* bwrap: bubblewrap with every namespace unshared and the image as a
 * read-only root (peer). The bench port is the inherited events pipe; on
 * the lab it starts inside the instance namespace and keeps it. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "backend_net.h"
#include "bench_ctx.h"
#include "fsutil.h"
#include "instance.h"

#define BWRAP_PATH "/usr/bin/bwrap"

static int bwrap_available(const struct bench_ctx *ctx, char *reason, size_t cap)
{
	if (access(BWRAP_PATH, X_OK) < 0) {
		snprintf(reason, cap, "%s not installed", BWRAP_PATH);
		return -ENOENT;
	}
	if (!bench_ctx_have(ctx, BENCH_ROOTFS "/init", 1)) {
		snprintf(reason, cap, "%s is not built (make image)", BENCH_ROOTFS);
		return -ENOENT;
	}
	return 0;
}

static void bwrap_version(const struct bench_ctx *ctx, char *buf, size_t cap)
{
	char *argv[] = {BWRAP_PATH, "--version", NULL};

	(void)ctx;
	fsutil_first_line(argv, buf, cap);
}

static int bwrap_prepare(struct instance *inst, struct launch_cmd *cmd, struct iso_err *err)
{
	char rootfs[PATH_MAX], port[32];
	struct argv *a = &cmd->argv;
	int r;

	snprintf(port, sizeof(port), "fd:%d", cmd->child_fd);
	char *const fixed[] = {BWRAP_PATH,
			       "--unshare-all",
			       "--die-with-parent",
			       "--ro-bind",
			       rootfs,
			       "/",
			       "--proc",
			       "/proc",
			       "--dev",
			       "/dev",
			       "--setenv",
			       BENCH_PORT_ENV,
			       port,
			       NULL};

	r = bench_ctx_path(inst->ctx, BENCH_ROOTFS, rootfs, sizeof(rootfs), err);
	if (r == 0)
		r = backend_net_attach_veth(inst, cmd, err);
	if (r == 0)
		r = argv_add_all(a, fixed, err);
	if (r == 0 && inst->net)
		r = argv_add(a, err, "--share-net");
	if (r == 0)
		r = argv_add(a, err, "--");
	if (r == 0)
		r = argv_add(a, err, "/init");
	if (r == 0)
		r = argv_add_all(a, inst->workload, err);
	cmd->events = EVENTS_FRAMES;
	return r;
}

const struct backend backend_bwrap = {
	.name = "bwrap",
	.kind = BACKEND_CONTAINER,
	.summary = "bubblewrap --unshare-all, image as read-only root (peer)",
	.peer = 1,
	.uses_net = 1,
	.available = bwrap_available,
	.version = bwrap_version,
	.prepare = bwrap_prepare,
	.cleanup = backend_net_detach,
};
