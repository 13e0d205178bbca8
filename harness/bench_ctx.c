/* Run-wide context: artefact paths below the repository root. */
#include "bench_ctx.h"

#include <errno.h>
#include <stdio.h>
#include <unistd.h>

int bench_ctx_path(const struct bench_ctx *ctx, const char *rel, char *buf, size_t cap,
		   struct iso_err *err)
{
	int n = snprintf(buf, cap, "%s/%s", ctx->top, rel);

	if (n < 0 || (size_t)n >= cap)
		return iso_err_input(err, -ENAMETOOLONG, "path %s/%s is too long", ctx->top, rel);
	return 0;
}

int bench_ctx_have(const struct bench_ctx *ctx, const char *rel)
{
	char path[PATH_MAX];

	if (bench_ctx_path(ctx, rel, path, sizeof(path), NULL) < 0)
		return 0;
	return access(path, R_OK) == 0;
}
