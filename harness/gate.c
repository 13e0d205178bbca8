/* Regression gate: thresholds, sanity bounds, per-figure verdicts, report. */
#include "gate.h"

#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "jsonfile.h"

void gate_config_destroy(struct gate_config *cfg)
{
	if (!cfg)
		return;
	for (size_t i = 0; i < cfg->n_effects; i++)
		free(cfg->effects[i].pattern);
	for (size_t i = 0; i < cfg->n_bounds; i++) {
		free(cfg->bounds[i].pattern);
		free(cfg->bounds[i].max_env);
	}
	free(cfg->effects);
	free(cfg->bounds);
	free(cfg);
}

/* Validation helpers: every message reads "<file>: <field>: <problem>",
 * the field spelled "<at>.<name>" ("bounds[2].max"); either part may be
 * empty. */
static int bad(const char *path, const char *at, const char *name, const char *problem,
	       struct iso_err *err)
{
	return iso_err_input(err, -EINVAL, "%s: %s%s%s: %s", path, at, at[0] && name[0] ? "." : "",
			     name, problem);
}

static int get_number(const char *path, const cJSON *obj, const char *at, const char *name,
		      double *out, struct iso_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	if (!cJSON_IsNumber(v))
		return bad(path, at, name, v ? "not a number" : "missing", err);
	*out = v->valuedouble;
	return 0;
}

/* A number in [0, 1) when `zero_ok`, else in (0, 1). */
static int get_fraction(const char *path, const cJSON *obj, const char *at, const char *name,
			bool zero_ok, double *out, struct iso_err *err)
{
	int r = get_number(path, obj, at, name, out, err);

	if (r == 0 && !((zero_ok ? *out >= 0 : *out > 0) && *out < 1))
		r = bad(path, at, name, zero_ok ? "not in [0, 1)" : "not in (0, 1)", err);
	return r;
}

static int get_pattern(const char *path, const cJSON *obj, const char *field, char **out,
		       struct iso_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "metric");

	if (!cJSON_IsString(v) || !v->valuestring[0])
		return bad(path, field, "", "no metric pattern", err);
	*out = strdup(v->valuestring);
	if (!*out)
		return iso_err_set(err, -ENOMEM, "load %s", path);
	return 0;
}

/* Rules begin with their pattern: load_rules() reads it through a
 * pointer to the rule (C11 6.7.2.1p15). */
_Static_assert(offsetof(struct gate_effect, pattern) == 0, "pattern first");
_Static_assert(offsetof(struct gate_bound, pattern) == 0, "pattern first");

/* The rest of one rule (after its pattern) into `item`; `field` names
 * it ("bounds[2]"). */
typedef int (*load_rule_fn)(const char *path, const cJSON *e, void *item, const char *field,
			    struct iso_err *err);

/* A list of rules ({"metric": pattern, ...}) into a new array of `n`
 * items of `size` bytes, each starting with its pattern. The count grows
 * before each rule is read so that gate_config_destroy() frees a
 * half-read one too. */
static int load_rules(const char *path, const cJSON *list, const char *name, size_t size,
		      void **arr, size_t *n, load_rule_fn rest, struct iso_err *err)
{
	const cJSON *e;
	char field[64];
	int r;

	if (!cJSON_IsArray(list))
		return bad(path, "", name, "not an array", err);
	*arr = calloc((size_t)cJSON_GetArraySize(list) + 1, size);
	if (!*arr)
		return iso_err_set(err, -ENOMEM, "load %s", path);
	cJSON_ArrayForEach(e, list)
	{
		void *item = (char *)*arr + *n * size;

		snprintf(field, sizeof(field), "%s[%zu]", name, (*n)++);
		r = get_pattern(path, e, field, item, err);
		if (r == 0)
			r = rest(path, e, item, field, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static int load_effect(const char *path, const cJSON *e, void *item, const char *field,
		       struct iso_err *err)
{
	struct gate_effect *g = item;

	return get_fraction(path, e, field, "effect", true, &g->effect, err);
}

static int load_bound(const char *path, const cJSON *b, void *item, const char *field,
		      struct iso_err *err)
{
	const cJSON *max = cJSON_GetObjectItemCaseSensitive(b, "max");
	struct gate_bound *g = item;
	int r = get_number(path, b, field, "min", &g->min, err);

	if (r < 0)
		return r;
	if (cJSON_IsString(max)) {
		g->max_env = strdup(max->valuestring);
		if (!g->max_env)
			return iso_err_set(err, -ENOMEM, "load %s", path);
		g->max = INFINITY;
		return 0;
	}
	r = get_number(path, b, field, "max", &g->max, err);
	if (r == 0 && !(g->min <= g->max))
		r = bad(path, field, "max", "below min", err);
	return r;
}

static int load_config(const char *path, const cJSON *doc, struct gate_config *cfg,
		       struct iso_err *err)
{
	const cJSON *schema = cJSON_GetObjectItemCaseSensitive(doc, "schema");
	void *effects = NULL, *bounds = NULL;
	int r;

	if (!cJSON_IsString(schema) || strcmp(schema->valuestring, GATE_THRESHOLDS_SCHEMA) != 0)
		return bad(path, "", "schema", "not " GATE_THRESHOLDS_SCHEMA, err);
	r = get_fraction(path, doc, "", "alpha", false, &cfg->alpha, err);
	if (r == 0)
		r = get_fraction(path, doc, "", "ci_level", false, &cfg->ci_level, err);
	if (r == 0) {
		r = load_rules(path, cJSON_GetObjectItemCaseSensitive(doc, "min_effect"),
			       "min_effect", sizeof(*cfg->effects), &effects, &cfg->n_effects,
			       load_effect, err);
		cfg->effects = effects;
	}
	if (r == 0) {
		r = load_rules(path, cJSON_GetObjectItemCaseSensitive(doc, "bounds"), "bounds",
			       sizeof(*cfg->bounds), &bounds, &cfg->n_bounds, load_bound, err);
		cfg->bounds = bounds;
	}
	return r;
}

int gate_config_load(const char *path, struct gate_config **out, struct iso_err *err)
{
	cleanup_json cJSON *doc = NULL;
	struct gate_config *cfg;
	int r;

	r = jsonfile_load(path, &doc, err);
	if (r < 0)
		return r;
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return iso_err_set(err, -ENOMEM, "load %s", path);
	r = load_config(path, doc, cfg, err);
	if (r < 0) {
		gate_config_destroy(cfg);
		return r;
	}
	*out = cfg;
	return 0;
}

double gate_effect_for(const struct gate_config *cfg, const char *metric)
{
	for (size_t i = 0; i < cfg->n_effects; i++)
		if (fnmatch(cfg->effects[i].pattern, metric, 0) == 0)
			return cfg->effects[i].effect;
	return 0;
}

static const struct gate_bound *bound_for(const struct gate_config *cfg, const char *metric)
{
	for (size_t i = 0; i < cfg->n_bounds; i++)
		if (fnmatch(cfg->bounds[i].pattern, metric, 0) == 0)
			return &cfg->bounds[i];
	return NULL;
}

int gate_check_bounds(const struct gate_config *cfg, const struct results *rs, const char *label,
		      struct iso_err *err)
{
	for (size_t i = 0; i < rs->n_figures; i++) {
		const struct results_figure *f = rs->figures[i];
		const struct gate_bound *b = bound_for(cfg, f->metric);
		double max;

		if (!b)
			continue;
		max = b->max;
		if (b->max_env) {
			const cJSON *v =
				cJSON_GetObjectItemCaseSensitive(rs->environment, b->max_env);

			max = cJSON_IsNumber(v) ? v->valuedouble : INFINITY;
		}
		for (size_t k = 0; k < f->n_samples; k++) {
			double x = f->samples[k];

			if (x >= b->min && x <= max)
				continue;
			return iso_err_input(err, -EINVAL,
					     "%s: %s/%s/%s x%u: sample %zu = %g %s is impossible "
					     "(allowed %g .. %g%s%s)",
					     label, f->backend, f->workload, f->metric,
					     f->instances, k, x, f->unit, b->min, max,
					     b->max_env ? ", environment." : "",
					     b->max_env ? b->max_env : "");
		}
	}
	return 0;
}

enum gate_verdict gate_judge(const struct gate_config *cfg, enum results_better better, double p,
			     const struct stats_ratio *ratio, double effect, bool underpowered)
{
	/* Express everything as "bigger is worse": for higher-is-better
	 * metrics a drop by `effect` is the bad side, mirrored. */
	bool lower = better == RESULTS_BETTER_LOWER;
	double worse_point = lower ? ratio->ratio : 2.0 - ratio->ratio;
	double worse_near = lower ? ratio->ci_lo : 2.0 - ratio->ci_hi;
	double worse_far = lower ? ratio->ci_hi : 2.0 - ratio->ci_lo;
	bool significant = p < cfg->alpha;

	if (underpowered)
		return GATE_UNDERPOWERED;
	if (significant && worse_near > 1.0 + effect)
		return GATE_REGRESSION;
	if (significant && worse_far < 1.0 - effect)
		return GATE_IMPROVEMENT;
	if (significant && worse_point > 1.0 + effect)
		return GATE_INCONCLUSIVE;
	return GATE_OK;
}

static int compare_figure(const struct gate_config *cfg, const struct results_figure *b,
			  const struct results_figure *h, struct gate_row *row, struct iso_err *err)
{
	bool underpowered;
	int r;

	if (strcmp(b->unit, h->unit) != 0 || b->better != h->better)
		return iso_err_input(err, -EINVAL,
				     "%s/%s/%s: unit or direction differs between BASE (%s, %s) "
				     "and HEAD (%s, %s)",
				     b->backend, b->workload, b->metric, b->unit,
				     results_better_name(b->better), h->unit,
				     results_better_name(h->better));
	*row = (struct gate_row){
		.base = b,
		.head = h,
		.base_median = stats_median(b->samples, b->n_samples),
		.head_median = stats_median(h->samples, h->n_samples),
		.effect = gate_effect_for(cfg, b->metric),
	};
	r = stats_ratio_ci(b->samples, b->n_samples, h->samples, h->n_samples, cfg->ci_level,
			   STATS_SEED_DEFAULT, &row->ratio, err);
	if (r == 0)
		r = stats_permutation_p(b->samples, b->n_samples, h->samples, h->n_samples,
					STATS_SEED_DEFAULT, &row->p, err);
	if (r < 0)
		return iso_err_wrap(err, "%s/%s/%s", b->backend, b->workload, b->metric);
	underpowered = stats_permutation_min_p(b->n_samples, h->n_samples) >= cfg->alpha;
	row->verdict = b->noisy || h->noisy ? GATE_NOT_GATED
					    : gate_judge(cfg, b->better, row->p, &row->ratio,
							 row->effect, underpowered);
	return 0;
}

void gate_report_free(struct gate_report *rep)
{
	free(rep->rows);
	*rep = (struct gate_report){0};
}

int gate_compare(const struct gate_config *cfg, const struct results *base,
		 const struct results *head, struct gate_report *out, struct iso_err *err)
{
	struct gate_report rep = {0};
	int r;

	r = gate_check_bounds(cfg, base, "BASE", err);
	if (r == 0)
		r = gate_check_bounds(cfg, head, "HEAD", err);
	if (r < 0)
		return r;
	rep.rows = calloc(base->n_figures + 1, sizeof(*rep.rows));
	if (!rep.rows)
		return iso_err_set(err, -ENOMEM, "compare %zu figures", base->n_figures);
	for (size_t i = 0; i < base->n_figures; i++) {
		const struct results_figure *b = base->figures[i];
		const struct results_figure *h =
			results_find(head, b->backend, b->workload, b->metric, b->instances);

		if (!h || b->n_samples == 0 || h->n_samples == 0) {
			rep.only_base++;
			continue;
		}
		r = compare_figure(cfg, b, h, &rep.rows[rep.n_rows], err);
		if (r < 0) {
			gate_report_free(&rep);
			return r;
		}
		rep.n_regressions += rep.rows[rep.n_rows].verdict == GATE_REGRESSION;
		rep.n_rows++;
	}
	for (size_t i = 0; i < head->n_figures; i++) {
		const struct results_figure *h = head->figures[i];

		if (h->n_samples &&
		    !results_find(base, h->backend, h->workload, h->metric, h->instances))
			rep.only_head++;
	}
	rep.skipped[0] = base->skipped;
	rep.skipped[1] = head->skipped;
	*out = rep;
	return 0;
}

size_t gate_confirm(struct gate_report *pooled, const struct gate_report *retry)
{
	size_t dropped = 0;

	for (size_t i = 0; i < pooled->n_rows; i++) {
		struct gate_row *p = &pooled->rows[i];
		enum gate_verdict again = GATE_OK;

		if (p->verdict != GATE_REGRESSION)
			continue;
		for (size_t k = 0; k < retry->n_rows; k++) {
			const struct results_figure *r = retry->rows[k].base;

			if (r->instances == p->base->instances &&
			    !strcmp(r->backend, p->base->backend) &&
			    !strcmp(r->workload, p->base->workload) &&
			    !strcmp(r->metric, p->base->metric))
				again = retry->rows[k].verdict;
		}
		if (again == GATE_REGRESSION || again == GATE_INCONCLUSIVE)
			continue;
		p->verdict = GATE_INCONCLUSIVE;
		pooled->n_regressions--;
		dropped++;
	}
	return dropped;
}

const char *gate_verdict_name(enum gate_verdict v)
{
	switch (v) {
	case GATE_OK:
		return "ok";
	case GATE_REGRESSION:
		return "REGRESSION";
	case GATE_IMPROVEMENT:
		return "improvement";
	case GATE_INCONCLUSIVE:
		return "inconclusive";
	case GATE_UNDERPOWERED:
		return "underpowered";
	case GATE_NOT_GATED:
		return "noisy, not gated";
	}
	return "?";
}

/* Ratio as text: "1.203" or "inf". */
static void fmt_ratio(char *buf, size_t size, double v)
{
	if (isinf(v))
		snprintf(buf, size, "%sinf", v < 0 ? "-" : "");
	else
		snprintf(buf, size, "%.3f", v);
}

/* Table header and the rows whose verdict is (notable) or is not (the
 * rest) GATE_OK. */
static void print_table(const struct gate_config *cfg, const struct gate_report *rep, bool notable,
			FILE *out)
{
	fprintf(out,
		"| metric | backend | workload | base median | head median | ratio [%g%% CI] "
		"| p | min effect | verdict |\n",
		cfg->ci_level * 100);
	fprintf(out, "|---|---|---|---:|---:|---|---:|---:|---|\n");
	for (size_t i = 0; i < rep->n_rows; i++) {
		const struct gate_row *r = &rep->rows[i];
		char ratio[32], lo[32], hi[32], workload[96];
		bool bold = r->verdict == GATE_REGRESSION;

		if (notable == (r->verdict == GATE_OK))
			continue;
		fmt_ratio(ratio, sizeof(ratio), r->ratio.ratio);
		fmt_ratio(lo, sizeof(lo), r->ratio.ci_lo);
		fmt_ratio(hi, sizeof(hi), r->ratio.ci_hi);
		if (r->base->instances > 1)
			snprintf(workload, sizeof(workload), "%s ×%u", r->base->workload,
				 r->base->instances);
		else
			snprintf(workload, sizeof(workload), "%s", r->base->workload);
		fprintf(out,
			"| %s | %s | %s | %.4g %s | %.4g %s | %s [%s, %s] | %.4f | %g%% | %s%s%s "
			"|\n",
			r->base->metric, r->base->backend, workload, r->base_median, r->base->unit,
			r->head_median, r->head->unit, ratio, lo, hi, r->p, r->effect * 100,
			bold ? "**" : "", gate_verdict_name(r->verdict), bold ? "**" : "");
	}
}

/* " Skipped in HEAD: vm (no /dev/kvm); crun/net-rr (...)." */
static void print_skipped(const cJSON *skipped, const char *label, FILE *out)
{
	const cJSON *s;

	if (cJSON_GetArraySize(skipped) == 0)
		return;
	fprintf(out, " Skipped in %s:", label);
	cJSON_ArrayForEach(s, skipped)
	{
		char text[512];

		results_skipped_text(s, text, sizeof(text));
		fprintf(out, " %s%s", text, s->next ? ";" : ".");
	}
}

void gate_print_markdown(const struct gate_config *cfg, const struct gate_report *rep, FILE *out)
{
	size_t counts[GATE_NOT_GATED + 1] = {0};

	for (size_t i = 0; i < rep->n_rows; i++)
		counts[rep->rows[i].verdict]++;
	fprintf(out, "### isobench: %s\n\n",
		rep->n_regressions ? "performance regression" : "no performance regression");
	fprintf(out,
		"%zu figure(s) compared: %zu regression(s), %zu improvement(s), %zu "
		"inconclusive, %zu underpowered, %zu not gated, %zu ok.\n\n",
		rep->n_rows, counts[GATE_REGRESSION], counts[GATE_IMPROVEMENT],
		counts[GATE_INCONCLUSIVE], counts[GATE_UNDERPOWERED], counts[GATE_NOT_GATED],
		counts[GATE_OK]);
	/* What needs a reviewer's eyes first; the unchanged rest folded away
	 * (GitHub and GitLab render <details> in comments). */
	if (counts[GATE_OK] < rep->n_rows) {
		print_table(cfg, rep, true, out);
		fprintf(out, "\n");
	}
	if (counts[GATE_OK] > 0) {
		fprintf(out,
			"<details><summary>%zu figure(s) without a notable change</summary>\n\n",
			counts[GATE_OK]);
		print_table(cfg, rep, false, out);
		fprintf(out, "\n</details>\n\n");
	}
	fprintf(out,
		"Regression = permutation p < %g and the whole %g%% bootstrap CI of the ratio "
		"of medians HEAD/BASE beyond the metric's minimum effect, on the bad side.",
		cfg->alpha, cfg->ci_level * 100);
	if (rep->only_base || rep->only_head)
		fprintf(out, " Not compared: %zu figure(s) only in BASE, %zu only in HEAD.",
			rep->only_base, rep->only_head);
	for (int i = 0; i < 2; i++)
		print_skipped(rep->skipped[i], i ? "HEAD" : "BASE", out);
	fprintf(out, "\n");
}
