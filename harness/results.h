/* The in-memory result set of one run (results/SCHEMA.md,
 * `isobench-results/1`): figures with every raw sample, plus environment,
 * config and skipped backends as cJSON trees. `bench run` writes through
 * this API; `bench report`, `compare` and `ab` read through it. */
#ifndef ISO_RESULTS_H
#define ISO_RESULTS_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "err.h"
#include "stats.h"

#define RESULTS_SCHEMA "isobench-results/1"

/* Confidence level of every summary written by results_save(). */
#define RESULTS_CI_LEVEL 0.95

enum results_better {
	RESULTS_BETTER_LOWER,
	RESULTS_BETTER_HIGHER,
};

/* One (backend, workload, metric, instances) with its samples. Callers
 * read every field and may set `noisy`; the rest is changed only through
 * the functions below. `summary` is valid when n_samples > 0 after
 * results_save() or results_load() (both recompute it from the samples). */
struct results_figure {
	char *backend, *workload, *metric, *unit;
	enum results_better better;
	unsigned instances; /* >= 1; > 1 for density figures */
	bool noisy;
	double *samples;
	size_t n_samples, cap_samples;
	struct stats_summary summary;
};

/* A result set. Strings and trees are owned by the set. environment and
 * config are JSON objects, skipped an array of {backend, reason}; each is
 * NULL until set (and written as {} or [] when NULL). Figures keep their
 * insertion order. */
struct results {
	char *run_id, *created, *command;
	cJSON *environment, *config, *skipped;
	struct results_figure **figures;
	size_t n_figures, cap_figures;
};

/* New empty set; `created` is now (UTC, ISO 8601). Errors: -ENOMEM. */
int results_create(const char *run_id, const char *command, struct results **out,
		   struct iso_err *err);

/* Free everything; NULL is fine. */
void results_destroy(struct results *rs);

/* Find the figure (backend, workload, metric, instances) or append it.
 * Finding one whose unit or `better` differs is -EINVAL (one metric, one
 * meaning). *out stays owned by the set and valid until results_destroy().
 * Errors: -EINVAL (empty name, instances == 0, mismatch), -ENOMEM. */
int results_figure(struct results *rs, const char *backend, const char *workload,
		   const char *metric, const char *unit, enum results_better better,
		   unsigned instances, struct results_figure **out, struct iso_err *err);

/* Lookup without adding; NULL when absent. */
struct results_figure *results_find(const struct results *rs, const char *backend,
				    const char *workload, const char *metric, unsigned instances);

/* Append one raw sample. Errors: -EINVAL (not finite), -ENOMEM. */
int results_add_sample(struct results_figure *fig, double value, struct iso_err *err);

/* Replace a tree; the set takes ownership of `tree` (which may be NULL)
 * and frees the previous one. */
void results_set_environment(struct results *rs, cJSON *tree);
void results_set_config(struct results *rs, cJSON *tree);
void results_set_skipped(struct results *rs, cJSON *tree);

/* Recompute every summary and write the document atomically (a temporary
 * file in the same directory, fsync, rename over `path`), so a reader or
 * an interrupted run never sees a half-written file. Figures without
 * samples are left out. The directory must exist. Errors: negative errno
 * from the file system or stats_summarize(). */
int results_save(struct results *rs, const char *path, struct iso_err *err);

/* Read and validate a document: `schema` must be RESULTS_SCHEMA, every
 * field of the right type and range (names non-empty, better lower|higher,
 * instances a positive integer, at least one finite sample, no duplicate
 * figure, environment.kvm native|emulated|none). Stored summaries are
 * ignored and recomputed. On bad input the one error message names the
 * file and the field ("r.json: figures[2].samples[1]: not a finite
 * number"). Errors: -ENOENT etc. from the file system, -EINVAL for bad
 * input, -ENOMEM. */
int results_load(const char *path, struct results **out, struct iso_err *err);

/* Pool `src` into `dst`: every figure of src is found or added in dst
 * (same unit and direction required) and its samples appended; `noisy`
 * is or-ed. dst keeps its own environment, config and skipped, adopting
 * src's where it has none. Summaries are stale until the next save/load
 * (or stats_summarize). Errors: as results_figure(), -ENOMEM. */
int results_merge(struct results *dst, const struct results *src, struct iso_err *err);

/* results_load() of `path`, or of `path`/results.json when `path` is a
 * directory (the way commands name result sets). */
int results_load_path(const char *path, struct results **out, struct iso_err *err);

/* One entry of a `skipped` list as text: "vm (reason)", or
 * "vm/net-rr (reason)" when only that workload was skipped ("?" for a
 * missing field). */
void results_skipped_text(const cJSON *entry, char *buf, size_t size);

/* "lower" / "higher". */
const char *results_better_name(enum results_better better);

/* Parse "lower" / "higher"; -EINVAL otherwise. */
int results_better_parse(const char *name, enum results_better *out);

#endif
