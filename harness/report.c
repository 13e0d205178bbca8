/* Report writer: charts, then one document rendered as Markdown and HTML. */
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "report_charts.h"
#include "report_claims.h"
#include "report_ctx.h"
#include "report_doc.h"

/* Environment values print as "key.sub: value", nested objects flattened. */
static void env_rows(const struct report_doc_ops *ops, FILE *f, const cJSON *obj,
		     const char *prefix)
{
	static const char align[] = "ll";
	const cJSON *v;

	cJSON_ArrayForEach(v, obj)
	{
		char key[256], val[512];
		const char *cells[2] = {key, val};

		snprintf(key, sizeof(key), "%s%s%s", prefix, prefix[0] ? "." : "", v->string);
		if (cJSON_IsObject(v)) {
			env_rows(ops, f, v, key);
			continue;
		}
		if (cJSON_IsString(v)) {
			snprintf(val, sizeof(val), "%s", v->valuestring);
		} else {
			cleanup_free char *text = cJSON_PrintUnformatted(v);

			snprintf(val, sizeof(val), "%s", text ? text : "?");
		}
		ops->table_row(f, cells, align, 2);
	}
}

static void write_environment(const struct report_ctx *ctx, const struct report_doc_ops *ops,
			      FILE *f)
{
	static const char *const cols[] = {"key", "value"};
	const struct results *rs = ctx->in[0].rs;
	char line[512];

	ops->heading(f, 1, "Environment");
	snprintf(line, sizeof(line), "Run %s, created %s, command: %s", rs->run_id, rs->created,
		 rs->command);
	ops->para(f, line);
	if (cJSON_GetArraySize(rs->environment) == 0) {
		ops->para(f, "The result set records no environment.");
		return;
	}
	ops->table_begin(f, cols, "ll", 2);
	env_rows(ops, f, rs->environment, "");
	ops->table_end(f);
}

/* "18194", "12.35", "0.3761" (four significant digits, never an
 * exponent: the table is read by people), or "LO - HI" when `hi` is given. */
static void fmt_value(char *buf, size_t cap, double lo, const double *hi)
{
	int n = snprintf(buf, cap, fabs(lo) >= 1e4 ? "%.0f" : "%.4g", lo);

	if (hi && n > 0 && (size_t)n < cap)
		snprintf(buf + n, cap - (size_t)n, fabs(*hi) >= 1e4 ? " - %.0f" : " - %.4g", *hi);
}

/* Every figure of every set, as measured. */
static void write_figures(const struct report_ctx *ctx, const struct report_doc_ops *ops, FILE *f)
{
	static const char *const cols[] = {
		"set", "metric", "backend", "workload",		"instances",
		"n",   "median", "p25-p75", "95% CI of median", "unit"};
	static const char align[] = "llllrrrrrl";
	size_t first = ctx->n_in > 1 ? 0 : 1;

	ops->heading(f, 1, "All figures");
	ops->table_begin(f, cols + first, align + first, 10 - first);
	for (size_t k = 0; k < ctx->n_in; k++) {
		const struct results *rs = ctx->in[k].rs;

		for (size_t i = 0; i < rs->n_figures; i++) {
			const struct results_figure *fig = rs->figures[i];
			const struct stats_summary *s = &fig->summary;
			char inst[16], n[16], m[32], iqr[64], ci[64];
			const char *cells[] = {ctx->in[k].label,
					       fig->metric,
					       fig->backend,
					       fig->workload,
					       inst,
					       n,
					       m,
					       iqr,
					       ci,
					       fig->unit};

			snprintf(inst, sizeof(inst), "%u", fig->instances);
			snprintf(n, sizeof(n), "%zu", s->n);
			fmt_value(m, sizeof(m), s->median, NULL);
			fmt_value(iqr, sizeof(iqr), s->p25, &s->p75);
			fmt_value(ci, sizeof(ci), s->ci_lo, &s->ci_hi);
			ops->table_row(f, cells + first, align + first, 10 - first);
		}
	}
	ops->table_end(f);
}

static bool has_workload(const struct results *rs, const char *wl, unsigned min_instances)
{
	for (size_t i = 0; i < rs->n_figures; i++)
		if (rs->figures[i]->instances >= min_instances &&
		    (!wl || strcmp(rs->figures[i]->workload, wl) == 0))
			return true;
	return false;
}

/* Append `item` to the comma-separated list in buf (truncated to size). */
static void list_append(char *buf, size_t size, const char *item)
{
	size_t len = strlen(buf);

	snprintf(buf + len, size - len, "%s%s", len ? ", " : "", item);
}

/* What the primary set's configuration asked for but holds no figure of
 * (a run cut short, or every instance failed): said before any answer. */
static void write_missing(const struct report_ctx *ctx, const struct report_doc_ops *ops, FILE *f)
{
	const struct results *rs = ctx->in[0].rs;
	const cJSON *wls = cJSON_GetObjectItemCaseSensitive(rs->config, "workloads");
	const cJSON *dmax = cJSON_GetObjectItemCaseSensitive(rs->config, "density_max");
	char list[512] = "", text[640];
	const cJSON *w;

	cJSON_ArrayForEach(w, wls)
	{
		if (cJSON_IsString(w) && !has_workload(rs, w->valuestring, 1))
			list_append(list, sizeof(list), w->valuestring);
	}
	if (cJSON_IsNumber(dmax) && dmax->valuedouble > 1 && !has_workload(rs, NULL, 2))
		list_append(list, sizeof(list), "density");
	if (!list[0])
		return;
	snprintf(text, sizeof(text),
		 "Configured but without a single figure in this set (the run ended early, or "
		 "every instance failed; see its log): %s.",
		 list);
	ops->banner(f, text);
}

static int write_doc(const struct report_ctx *ctx, const bool drawn[REPORT_CHART_COUNT],
		     const struct report_doc_ops *ops, FILE *f, struct iso_err *err)
{
	char text[REPORT_CLAIM_TEXT_MAX];
	int r;

	ops->begin(f, "isobench report: what isolation costs");
	if (report_ctx_emulated(ctx))
		ops->banner(f, "This run used emulated KVM (QEMU TCG with nested SVM): VM "
			       "timings are emulated. Ratios between backends measured in the "
			       "same machine are meaningful; absolute VM times are not.");
	snprintf(text, sizeof(text),
		 "Result set%s: %s%s. Medians over repetitions; spread as p25-p75 and a "
		 "95%% bootstrap interval of the median (harness/stats.h).",
		 ctx->n_in > 1 ? "s" : "", ctx->in[0].label, ctx->n_in > 1 ? " and others" : "");
	ops->para(f, text);
	write_missing(ctx, ops, f);

	ops->heading(f, 1, "The claims of the source texts, answered");
	for (int c = 0; c < REPORT_CLAIMS; c++) {
		ops->heading(f, 2, report_claim_title(c));
		report_claim_answer(ctx, c, text, sizeof(text));
		ops->para(f, text);
	}

	ops->heading(f, 1, "Charts");
	for (int c = 0; c < REPORT_CHART_COUNT; c++) {
		if (!drawn[c]) {
			snprintf(text, sizeof(text), "%s Not measured in %s.",
				 report_chart_caption(c),
				 ctx->n_in > 1 ? "these sets" : "this set");
			ops->para(f, text);
			continue;
		}
		r = ops->chart(f, ctx->outdir, report_chart_name(c), report_chart_caption(c), err);
		if (r < 0)
			return r;
	}
	write_environment(ctx, ops, f);
	write_figures(ctx, ops, f);
	ops->end(f);
	return 0;
}

static int write_file(const struct report_ctx *ctx, const bool drawn[REPORT_CHART_COUNT],
		      const struct report_doc_ops *ops, const char *name, struct iso_err *err)
{
	cleanup_free char *path = NULL;
	FILE *f;
	int r;

	if (asprintf(&path, "%s/%s", ctx->outdir, name) < 0) {
		path = NULL;
		return iso_err_set(err, -ENOMEM, "report: path");
	}
	f = fopen(path, "we");
	if (!f)
		return iso_err_set(err, -errno, "report: create %s", path);
	r = write_doc(ctx, drawn, ops, f, err);
	if (fclose(f) != 0 && r == 0)
		r = iso_err_set(err, -errno, "report: write %s", path);
	return r;
}

int report_write(const struct report_input *in, size_t n_in, const char *outdir,
		 const char *gnuplot_dir, struct iso_err *err)
{
	bool drawn[REPORT_CHART_COUNT] = {0};
	struct report_ctx ctx;
	int r;

	if (n_in == 0)
		return iso_err_input(err, -EINVAL, "report: no result set");
	if (mkdir(outdir, 0755) < 0 && errno != EEXIST)
		return iso_err_set(err, -errno, "report: create %s", outdir);
	r = report_ctx_init(&ctx, in, n_in, outdir, gnuplot_dir, err);
	if (r < 0)
		return r;
	r = report_charts_render(&ctx, drawn, err);
	if (r == 0)
		r = write_file(&ctx, drawn, &report_doc_md, "report.md", err);
	if (r == 0)
		r = write_file(&ctx, drawn, &report_doc_html, "report.html", err);
	report_ctx_release(&ctx);
	return r;
}
