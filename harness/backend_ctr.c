/* ctr: the project's namespace container runtime, build/isoctr, with the
 * image directory as its read-only rootfs; it forwards event lines. */
#include <errno.h>
#include <stdio.h>

#include "bench_ctx.h"
#include "fsutil.h"
#include "instance.h"
#include "netlab.h"

static int ctr_available(const struct bench_ctx *ctx, char *reason, size_t cap)
{
	if (!bench_ctx_have(ctx, BENCH_ISOCTR, 1)) {
		snprintf(reason, cap, "%s is not built", BENCH_ISOCTR);
		return -ENOENT;
	}
	if (!bench_ctx_have(ctx, BENCH_ROOTFS "/init", 1)) {
		snprintf(reason, cap, "%s is not built (make image)", BENCH_ROOTFS);
		return -ENOENT;
	}
	return 0;
}

static void ctr_version(const struct bench_ctx *ctx, char *buf, size_t cap)
{
	char path[PATH_MAX];
	char *argv[] = {path, "--version", NULL};

	if (bench_ctx_path(ctx, BENCH_ISOCTR, path, sizeof(path), NULL) == 0)
		fsutil_first_line(argv, buf, cap);
}

static int ctr_prepare(struct instance *inst, struct launch_cmd *cmd, struct iso_err *err)
{
	const struct bench_ctx *ctx = inst->ctx;
	char prog[PATH_MAX], rootfs[PATH_MAX];
	struct argv *a = &cmd->argv;
	int r;

	r = bench_ctx_path(ctx, BENCH_ISOCTR, prog, sizeof(prog), err);
	if (r == 0)
		r = bench_ctx_path(ctx, BENCH_ROOTFS, rootfs, sizeof(rootfs), err);
	if (r == 0)
		r = argv_add(a, err, "%s", prog);
	if (r == 0)
		r = argv_add(a, err, "run");
	if (r == 0)
		r = argv_add(a, err, "--rootfs=%s", rootfs);
	if (r == 0)
		r = argv_add(a, err, "--run-id=%s", ctx->rid);
	if (r == 0)
		r = argv_add(a, err, "--name=i%u", inst->id);
	if (r == 0)
		r = argv_add(a, err, "--events-fd=%d", cmd->child_fd);
	if (r == 0 && inst->net) {
		r = argv_add(a, err, "--netns=%s", netlab_switch_netns(ctx->net));
		if (r == 0)
			r = argv_add(a, err, "--bridge=%s", netlab_bridge(ctx->net));
		if (r == 0)
			r = argv_add(a, err, "--ip=%s", inst->ip);
		if (r == 0 && inst->gw[0])
			r = argv_add(a, err, "--gw=%s", inst->gw);
	}
	if (r == 0)
		r = argv_add(a, err, "--");
	if (r == 0)
		r = argv_add(a, err, "/init");
	if (r == 0)
		r = argv_add_all(a, inst->workload, err);
	cmd->events = EVENTS_LINES;
	return r;
}

const struct backend backend_ctr = {
	.name = "ctr",
	.kind = BACKEND_CONTAINER,
	.summary = "isoctr: the project's namespace container runtime",
	.uses_net = 1,
	.available = ctr_available,
	.version = ctr_version,
	.prepare = ctr_prepare,
};
