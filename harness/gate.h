/* The performance-regression gate: compares two result sets figure by
 * figure (ratio of medians HEAD/BASE with a bootstrap CI, permutation
 * p-value) against per-metric minimum effects and sanity bounds read from
 * results/thresholds.json (format documented there and in README.md). */
#ifndef ISO_GATE_H
#define ISO_GATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "results.h"
#include "stats.h"

#define GATE_THRESHOLDS_SCHEMA "isobench-thresholds/1"

/* Minimum effect for metrics matching `pattern` (fnmatch(3)): a relative
 * change of the median smaller than `effect` (0.05 = 5%) never fails. */
struct gate_effect {
	char *pattern;
	double effect;
};

/* Plausible range of every sample of metrics matching `pattern`. When
 * max_env is set, the upper bound is that numeric key of the checked set's
 * environment (e.g. "memory_mib") and `max` is ignored; a set without the
 * key is not bounded above. */
struct gate_bound {
	char *pattern;
	double min, max;
	char *max_env;
};

/* Thresholds file. The first matching entry of each list applies. */
struct gate_config {
	double alpha;	 /* significance level of the permutation test */
	double ci_level; /* level of the ratio's bootstrap interval */
	struct gate_effect *effects;
	size_t n_effects;
	struct gate_bound *bounds;
	size_t n_bounds;
};

enum gate_verdict {
	GATE_OK,	   /* no significant change beyond the minimum effect */
	GATE_REGRESSION,   /* p < alpha, median and whole CI beyond the effect, bad side */
	GATE_IMPROVEMENT,  /* the same on the good side */
	GATE_INCONCLUSIVE, /* significant, median beyond the effect, CI not: passes */
	GATE_UNDERPOWERED, /* too few samples for p < alpha to be reachable: passes */
	GATE_NOT_GATED,	   /* figure marked noisy: reported, never fails */
};

/* One figure present in both sets. */
struct gate_row {
	const struct results_figure *base, *head; /* owned by the result sets */
	double base_median, head_median;
	struct stats_ratio ratio;
	double p, effect;
	enum gate_verdict verdict;
};

struct gate_report {
	struct gate_row *rows;
	size_t n_rows;
	size_t n_regressions;
	size_t only_base, only_head; /* figures without a counterpart (not gated) */
	const cJSON *skipped[2];     /* BASE's and HEAD's skipped lists (owned by the sets) */
};

/* Load and validate a thresholds file: schema GATE_THRESHOLDS_SCHEMA,
 * 0 < alpha < 1, 0 < ci_level < 1, effects >= 0, min <= max. Errors:
 * file-system errors, -EINVAL (message names file and field), -ENOMEM. */
int gate_config_load(const char *path, struct gate_config **out, struct iso_err *err);
void gate_config_destroy(struct gate_config *cfg);

/* Minimum effect for `metric` (the first matching entry; 0 when none). */
double gate_effect_for(const struct gate_config *cfg, const char *metric);

/* Reject a set holding an impossible sample (negative time, PSS above the
 * machine's memory, ...). `label` prefixes the message ("HEAD"). Errors:
 * -EINVAL naming the figure, the sample and the bound. */
int gate_check_bounds(const struct gate_config *cfg, const struct results *rs, const char *label,
		      struct iso_err *err);

/* The decision for one figure, from its statistics alone. */
enum gate_verdict gate_judge(const struct gate_config *cfg, enum results_better better, double p,
			     const struct stats_ratio *ratio, double effect, bool underpowered);

/* Compare every figure present in both sets (same backend, workload,
 * metric, instances) and fill `out` (free with gate_report_free()).
 * Bounds are checked first. Errors: -EINVAL for impossible values or a
 * figure whose unit or direction differs between the sets, -ENOMEM. */
int gate_compare(const struct gate_config *cfg, const struct results *base,
		 const struct results *head, struct gate_report *out, struct iso_err *err);
void gate_report_free(struct gate_report *rep);

/* `bench ab`'s confirmation: a regression of `pooled` (every round)
 * stands only when the re-run alone (`retry`, the suspects measured
 * again in the opposite order) shows the same figure significantly
 * beyond its minimum effect on the bad side (GATE_REGRESSION or
 * GATE_INCONCLUSIVE there). Load that shifts a whole run, which pooled
 * samples cannot tell from a slower build, rarely strikes the same side
 * twice. Others become GATE_INCONCLUSIVE; returns how many. */
size_t gate_confirm(struct gate_report *pooled, const struct gate_report *retry);

const char *gate_verdict_name(enum gate_verdict v);

/* The report as a Markdown table fit for a pull-request comment, with a
 * one-line verdict, the parameters used and what either set skipped (a
 * backend that did not run is not gated). */
void gate_print_markdown(const struct gate_config *cfg, const struct gate_report *rep, FILE *out);

#endif
