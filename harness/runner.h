/* The real executor of the run loop: runs instances through the backend
 * interface and samples them with the host-side probes (DESIGN.md,
 * "Metric definitions"). */
#ifndef ISO_RUNNER_H
#define ISO_RUNNER_H

#include "bench_ctx.h"
#include "runloop.h"

struct runner {
	struct executor ex;
	const struct bench_ctx *ctx;
	unsigned int next_id; /* instance ids: names and lab addresses */
};

void runner_init(struct runner *rn, const struct bench_ctx *ctx);

#endif
