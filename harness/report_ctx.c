/* Report context: series order and figure lookups. */
#include "report_ctx.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const report_wl_ready[] = {"ready", NULL};
const char *const report_wl_memory[] = {"ready", "mem", NULL};
const char *const report_wl_tasks_host[] = {"ready", "tasks", NULL};
const char *const report_wl_tasks_inside[] = {"tasks", NULL};
const char *const report_wl_net[] = {"net-stream", "net-rr", NULL};
const char *const report_wl_net_nat[] = {"net-stream-nat", "net-rr-nat", NULL};

/* The project's own backends lead every chart in this order. */
static const char *const report_lead_backends[] = {"native", "ctr", "vm"};

static bool series_has(const struct report_ctx *ctx, size_t set, const char *backend)
{
	for (size_t i = 0; i < ctx->n_series; i++)
		if (ctx->series[i].set == set && strcmp(ctx->series[i].backend, backend) == 0)
			return true;
	return false;
}

static void series_add(struct report_ctx *ctx, size_t set, const char *backend)
{
	struct report_series *s = &ctx->series[ctx->n_series++];

	s->set = set;
	s->backend = backend;
	if (ctx->n_in > 1)
		snprintf(s->label, sizeof(s->label), "%s@%s", backend, ctx->in[set].label);
	else
		snprintf(s->label, sizeof(s->label), "%s", backend);
}

/* Add (set, backend) for every set that measured `backend`, or for every
 * backend when `backend` is NULL. */
static void series_collect(struct report_ctx *ctx, const char *backend)
{
	for (size_t set = 0; set < ctx->n_in; set++) {
		const struct results *rs = ctx->in[set].rs;

		for (size_t i = 0; i < rs->n_figures; i++) {
			const char *b = rs->figures[i]->backend;

			if ((!backend || strcmp(b, backend) == 0) && !series_has(ctx, set, b))
				series_add(ctx, set, b);
		}
	}
}

int report_ctx_init(struct report_ctx *ctx, const struct report_input *in, size_t n_in,
		    const char *outdir, const char *gnuplot_dir, struct iso_err *err)
{
	size_t max = 0;

	*ctx = (struct report_ctx){
		.in = in, .n_in = n_in, .outdir = outdir, .gnuplot_dir = gnuplot_dir};
	for (size_t i = 0; i < n_in; i++)
		max += in[i].rs->n_figures;
	ctx->series = calloc(max + 1, sizeof(*ctx->series));
	if (!ctx->series)
		return iso_err_set(err, -ENOMEM, "report: series");
	for (size_t i = 0; i < sizeof(report_lead_backends) / sizeof(report_lead_backends[0]); i++)
		series_collect(ctx, report_lead_backends[i]);
	series_collect(ctx, NULL);
	return 0;
}

void report_ctx_release(struct report_ctx *ctx)
{
	free(ctx->series);
	ctx->series = NULL;
	ctx->n_series = 0;
}

const struct results_figure *report_ctx_find(const struct report_ctx *ctx,
					     const struct report_series *s, const char *metric,
					     unsigned instances, const char *const *workloads,
					     bool any_fallback)
{
	const struct results *rs = ctx->in[s->set].rs;

	for (size_t w = 0; workloads && workloads[w]; w++) {
		const struct results_figure *f =
			results_find(rs, s->backend, workloads[w], metric, instances);

		if (f)
			return f;
	}
	if (workloads && !any_fallback)
		return NULL;
	for (size_t i = 0; i < rs->n_figures; i++) {
		const struct results_figure *f = rs->figures[i];

		if (f->instances == instances && strcmp(f->backend, s->backend) == 0 &&
		    strcmp(f->metric, metric) == 0)
			return f;
	}
	return NULL;
}

const struct report_series *report_ctx_primary(const struct report_ctx *ctx, const char *backend)
{
	for (size_t i = 0; i < ctx->n_series; i++)
		if (ctx->series[i].set == 0 && strcmp(ctx->series[i].backend, backend) == 0)
			return &ctx->series[i];
	return NULL;
}

double report_median(const struct results_figure *f)
{
	return f ? f->summary.median : NAN;
}

bool report_ctx_emulated(const struct report_ctx *ctx)
{
	const cJSON *kvm = cJSON_GetObjectItemCaseSensitive(ctx->in[0].rs->environment, "kvm");
	const cJSON *emu = cJSON_GetObjectItemCaseSensitive(ctx->in[0].rs->environment, "emulated");

	return (cJSON_IsString(kvm) && strcmp(kvm->valuestring, "emulated") == 0) ||
	       cJSON_IsTrue(emu);
}
