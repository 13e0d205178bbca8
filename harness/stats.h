/* Robust statistics for benchmark samples: summaries, bootstrap confidence
 * intervals and a permutation test, all deterministic given a seed so that
 * the same samples always give the same report and the same gate verdict. */
#ifndef ISO_STATS_H
#define ISO_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Seed used by stats_summarize() and by callers that have no reason to pick
 * another: results must be reproducible run to run. */
#define STATS_SEED_DEFAULT 0x9e3779b97f4a7c15ull

/* Bootstrap resamples per interval: 2000 keeps the Monte Carlo error of a
 * 95% percentile bound well below the spread of the data (Efron &
 * Tibshirani, "An Introduction to the Bootstrap", ch. 13 suggests >= 1000). */
#define STATS_BOOTSTRAP_RESAMPLES 2000

/* Random permutations when exact enumeration is too large; the smallest
 * reachable p-value is then 1/(STATS_PERMUTATIONS+1), far below a 0.01 gate. */
#define STATS_PERMUTATIONS 10000

/* Summary of one figure's samples. Percentiles use linear interpolation
 * between order statistics (Hyndman & Fan type 7, numpy's default);
 * stddev is the sample standard deviation (n-1; 0 when n == 1); mad is
 * the raw median absolute deviation (not scaled by 1.4826); [ci_lo, ci_hi]
 * is the percentile bootstrap interval of the median at ci_level. */
struct stats_summary {
	size_t n;
	double median, mean, stddev, min, max, p25, p75, mad, ci_level, ci_lo, ci_hi;
};

/* Two-sample comparison of medians, HEAD/BASE. `ratio` is
 * median(head)/median(base) (1 when both are 0, +inf when only base is 0);
 * [ci_lo, ci_hi] is its percentile bootstrap interval at ci_level, each
 * sample resampled independently. */
struct stats_ratio {
	double ratio, ci_level, ci_lo, ci_hi;
};

/* Deterministic generator (splitmix64): small state, good enough mixing
 * for resampling, identical sequences on every platform. */
struct stats_rng {
	uint64_t state;
};

void stats_rng_seed(struct stats_rng *rng, uint64_t seed);
uint64_t stats_rng_next(struct stats_rng *rng);
/* Uniform double in [0, 1). */
double stats_rng_uniform(struct stats_rng *rng);
/* Uniform integer in [0, bound); bound > 0. */
size_t stats_rng_below(struct stats_rng *rng, size_t bound);

/* Quantile q in [0, 1] of `sorted` (ascending, n >= 1), type 7; next to
 * an infinite value (a ratio with a zero base) the nearer order statistic
 * instead, never NaN. */
double stats_percentile_sorted(const double *sorted, size_t n, double q);

/* Median of x (n >= 1); x is not modified. Returns NAN on allocation
 * failure (the only failure; callers with an error channel prefer
 * stats_summarize()). */
double stats_median(const double *x, size_t n);

/* Summarize n >= 1 finite samples with a bootstrap CI of the median at
 * ci_level in (0, 1), seeded with STATS_SEED_DEFAULT. Errors: -EINVAL for
 * n == 0, a non-finite sample or a bad ci_level; -ENOMEM. */
int stats_summarize(const double *x, size_t n, double ci_level, struct stats_summary *out,
		    struct iso_err *err);

/* Ratio of medians HEAD/BASE with a bootstrap CI (see struct stats_ratio).
 * Both samples must be non-empty and finite. Errors as stats_summarize(). */
int stats_ratio_ci(const double *base, size_t nb, const double *head, size_t nh, double ci_level,
		   uint64_t seed, struct stats_ratio *out, struct iso_err *err);

/* Two-sided permutation test of "same distribution" with the
 * Wilcoxon-Mann-Whitney rank-sum statistic (midranks for ties): robust to
 * the outliers of a shared machine, and nearly as powerful as a t-test on
 * normal data (asymptotic relative efficiency 0.955) where a test on the
 * difference of medians reaches only 0.64. Exact (all C(na+nb, na) splits) when
 * that count is at most STATS_PERMUTATIONS, otherwise STATS_PERMUTATIONS
 * random relabellings with p = (hits + 1) / (STATS_PERMUTATIONS + 1)
 * (Phipson & Smyth 2010: never 0). Errors as stats_summarize(). */
int stats_permutation_p(const double *a, size_t na, const double *b, size_t nb, uint64_t seed,
			double *p, struct iso_err *err);

/* Smallest p-value stats_permutation_p() can return for these sample
 * sizes (2 / C(na+nb, na) when exact, else 1 / (STATS_PERMUTATIONS + 1)):
 * when it is not below the significance level, no difference can ever be
 * significant and more repetitions are needed. */
double stats_permutation_min_p(size_t na, size_t nb);

#endif
