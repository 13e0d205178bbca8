/* Shared state of one `bench report`: the loaded result sets, the series
 * (one per backend per set) in display order, and figure lookups with
 * workload preferences. Internal to harness/report*.c. */
#ifndef ISO_REPORT_CTX_H
#define ISO_REPORT_CTX_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "report.h"
#include "results.h"

#define REPORT_LABEL_MAX 96

/* One backend of one result set: a box, a bar group, a line. */
struct report_series {
	size_t set;		      /* index into ctx->in */
	const char *backend;	      /* owned by the set */
	char label[REPORT_LABEL_MAX]; /* "vm", or "vm@<set label>" with several sets */
};

struct report_ctx {
	const struct report_input *in;
	size_t n_in;
	const char *outdir;
	const char *gnuplot_dir;
	struct report_series *series;
	size_t n_series;
};

/* Workload preferences of lookups, first match wins (NULL-terminated):
 * where each family of metrics is measured (results/SCHEMA.md). */
extern const char *const report_wl_ready[];	   /* startup */
extern const char *const report_wl_memory[];	   /* memory.* */
extern const char *const report_wl_tasks_host[];   /* tasks.host* */
extern const char *const report_wl_tasks_inside[]; /* tasks.inside* */
extern const char *const report_wl_net[];	   /* net.*, across the bridge */
extern const char *const report_wl_net_nat[];	   /* net.*, through the NAT router */

/* Build the series: native, ctr, vm first, then other backends in order
 * of appearance; one per (set, backend). Errors: -ENOMEM. */
int report_ctx_init(struct report_ctx *ctx, const struct report_input *in, size_t n_in,
		    const char *outdir, const char *gnuplot_dir, struct iso_err *err);
void report_ctx_release(struct report_ctx *ctx);

/* The figure of `metric` at `instances` for series `s`, from the first of
 * `workloads` (NULL-terminated; NULL = any) that has it, else from any
 * workload when `any_fallback`. NULL when not measured. */
const struct results_figure *report_ctx_find(const struct report_ctx *ctx,
					     const struct report_series *s, const char *metric,
					     unsigned instances, const char *const *workloads,
					     bool any_fallback);

/* The series of `backend` in the first set (the one the claims speak
 * about); NULL when absent. */
const struct report_series *report_ctx_primary(const struct report_ctx *ctx, const char *backend);

/* Median of a figure, or NAN for NULL. */
double report_median(const struct results_figure *f);

/* Whether the primary set ran under emulated KVM (environment.kvm). */
bool report_ctx_emulated(const struct report_ctx *ctx);

#endif
