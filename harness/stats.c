/* Robust statistics: summaries, bootstrap intervals, permutation test. */
#include "stats.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

void stats_rng_seed(struct stats_rng *rng, uint64_t seed)
{
	rng->state = seed;
}

/* splitmix64 (Steele, Lea, Flood: "Fast splittable pseudorandom number
 * generators", OOPSLA 2014); constants from the reference implementation. */
uint64_t stats_rng_next(struct stats_rng *rng)
{
	uint64_t z = (rng->state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

double stats_rng_uniform(struct stats_rng *rng)
{
	/* 53 random bits: every double in [0, 1) with that spacing. */
	return (double)(stats_rng_next(rng) >> 11) * 0x1.0p-53;
}

size_t stats_rng_below(struct stats_rng *rng, size_t bound)
{
	/* Modulo bias is < bound / 2^64: irrelevant for sample-sized bounds. */
	return (size_t)(stats_rng_next(rng) % bound);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Samples per figure are a few dozen at most and the resampling loops
 * sort them hundreds of thousands of times: insertion sort beats qsort's
 * indirect comparisons there. */
#define STATS_SMALL_SORT 64

static void sort_doubles(double *x, size_t n)
{
	if (n > STATS_SMALL_SORT) {
		qsort(x, n, sizeof(*x), cmp_double);
		return;
	}
	for (size_t i = 1; i < n; i++) {
		double v = x[i];
		size_t j = i;

		for (; j > 0 && x[j - 1] > v; j--)
			x[j] = x[j - 1];
		x[j] = v;
	}
}

double stats_percentile_sorted(const double *sorted, size_t n, double q)
{
	double h = q * (double)(n - 1), a, b;
	size_t lo = (size_t)floor(h);

	if (lo + 1 >= n)
		return sorted[n - 1];
	a = sorted[lo];
	b = sorted[lo + 1];
	/* Ratios with a zero base are infinite: no interpolation towards or
	 * between infinities (inf - inf is NaN), the nearer one. */
	if (a == b || isinf(a) || isinf(b))
		return h - (double)lo < 0.5 ? a : b;
	return a + (h - (double)lo) * (b - a);
}

/* Median of buf, which is reordered. */
static double median_inplace(double *buf, size_t n)
{
	sort_doubles(buf, n);
	return stats_percentile_sorted(buf, n, 0.5);
}

double stats_median(const double *x, size_t n)
{
	cleanup_free double *buf = malloc(n * sizeof(*buf));

	if (!buf)
		return NAN;
	memcpy(buf, x, n * sizeof(*buf));
	return median_inplace(buf, n);
}

static int check_sample(const double *x, size_t n, const char *what, struct iso_err *err)
{
	if (n == 0)
		return iso_err_input(err, -EINVAL, "%s: no samples", what);
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return iso_err_input(err, -EINVAL, "%s: sample %zu is not finite", what, i);
	return 0;
}

static int check_level(double ci_level, struct iso_err *err)
{
	if (!(ci_level > 0 && ci_level < 1))
		return iso_err_input(err, -EINVAL, "confidence level %g is not in (0, 1)",
				     ci_level);
	return 0;
}

/* Median of a bootstrap resample of x (n values) drawn into buf. */
static double resample_median(struct stats_rng *rng, const double *x, size_t n, double *buf)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = x[stats_rng_below(rng, n)];
	return median_inplace(buf, n);
}

/* Percentile interval [lo, hi] at `level` of the values in `stat`. */
static void percentile_interval(double *stat, size_t n, double level, double *lo, double *hi)
{
	double alpha = 1.0 - level;

	sort_doubles(stat, n);
	*lo = stats_percentile_sorted(stat, n, alpha / 2);
	*hi = stats_percentile_sorted(stat, n, 1.0 - alpha / 2);
}

int stats_summarize(const double *x, size_t n, double ci_level, struct stats_summary *out,
		    struct iso_err *err)
{
	cleanup_free double *sorted = NULL;
	cleanup_free double *dev = NULL;
	cleanup_free double *boot = NULL;
	struct stats_rng rng;
	double sum = 0, ss = 0;
	int r;

	r = check_sample(x, n, "summarize", err);
	if (r < 0)
		return r;
	r = check_level(ci_level, err);
	if (r < 0)
		return r;
	sorted = malloc(n * sizeof(*sorted));
	dev = malloc(n * sizeof(*dev));
	boot = malloc(STATS_BOOTSTRAP_RESAMPLES * sizeof(*boot));
	if (!sorted || !dev || !boot)
		return iso_err_set(err, -ENOMEM, "summarize %zu samples", n);

	memcpy(sorted, x, n * sizeof(*sorted));
	sort_doubles(sorted, n);
	*out = (struct stats_summary){
		.n = n,
		.min = sorted[0],
		.max = sorted[n - 1],
		.median = stats_percentile_sorted(sorted, n, 0.5),
		.p25 = stats_percentile_sorted(sorted, n, 0.25),
		.p75 = stats_percentile_sorted(sorted, n, 0.75),
		.ci_level = ci_level,
	};
	for (size_t i = 0; i < n; i++)
		sum += x[i];
	out->mean = sum / (double)n;
	for (size_t i = 0; i < n; i++)
		ss += (x[i] - out->mean) * (x[i] - out->mean);
	out->stddev = n > 1 ? sqrt(ss / (double)(n - 1)) : 0;
	for (size_t i = 0; i < n; i++)
		dev[i] = fabs(x[i] - out->median);
	out->mad = median_inplace(dev, n);

	/* dev is free again: reuse it as the resample buffer. */
	stats_rng_seed(&rng, STATS_SEED_DEFAULT);
	for (size_t b = 0; b < STATS_BOOTSTRAP_RESAMPLES; b++)
		boot[b] = resample_median(&rng, x, n, dev);
	percentile_interval(boot, STATS_BOOTSTRAP_RESAMPLES, ci_level, &out->ci_lo, &out->ci_hi);
	return 0;
}

/* head/base with the conventions of struct stats_ratio. */
static double median_ratio(double base, double head)
{
	if (base == 0)
		return head == 0 ? 1.0 : (head > 0 ? INFINITY : -INFINITY);
	return head / base;
}

int stats_ratio_ci(const double *base, size_t nb, const double *head, size_t nh, double ci_level,
		   uint64_t seed, struct stats_ratio *out, struct iso_err *err)
{
	cleanup_free double *buf_b = NULL;
	cleanup_free double *buf_h = NULL;
	cleanup_free double *boot = NULL;
	struct stats_rng rng;
	int r;

	r = check_sample(base, nb, "ratio: base", err);
	if (r == 0)
		r = check_sample(head, nh, "ratio: head", err);
	if (r == 0)
		r = check_level(ci_level, err);
	if (r < 0)
		return r;
	buf_b = malloc(nb * sizeof(*buf_b));
	buf_h = malloc(nh * sizeof(*buf_h));
	boot = malloc(STATS_BOOTSTRAP_RESAMPLES * sizeof(*boot));
	if (!buf_b || !buf_h || !boot)
		return iso_err_set(err, -ENOMEM, "ratio of %zu/%zu samples", nh, nb);

	out->ci_level = ci_level;
	out->ratio = median_ratio(stats_median(base, nb), stats_median(head, nh));
	stats_rng_seed(&rng, seed);
	for (size_t b = 0; b < STATS_BOOTSTRAP_RESAMPLES; b++) {
		double mb = resample_median(&rng, base, nb, buf_b);
		double mh = resample_median(&rng, head, nh, buf_h);

		boot[b] = median_ratio(mb, mh);
	}
	percentile_interval(boot, STATS_BOOTSTRAP_RESAMPLES, ci_level, &out->ci_lo, &out->ci_hi);
	return 0;
}

/* Midranks (1-based, ties share the mean of their ranks) of x into rank. */
static int midranks(const double *x, size_t n, double *rank)
{
	cleanup_free size_t *order = malloc(n * sizeof(*order));

	if (!order)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		order[i] = i;
	/* insertion sort of indices by value: n is a few dozen */
	for (size_t i = 1; i < n; i++) {
		size_t v = order[i], j = i;

		for (; j > 0 && x[order[j - 1]] > x[v]; j--)
			order[j] = order[j - 1];
		order[j] = v;
	}
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j + 1 < n && x[order[j + 1]] == x[order[i]])
			j++;
		for (size_t k = i; k <= j; k++)
			rank[order[k]] = (double)(i + j) / 2.0 + 1.0;
		i = j + 1;
	}
	return 0;
}

/* C(n, k), or limit + 1 as soon as it exceeds limit. */
static size_t binomial_capped(size_t n, size_t k, size_t limit)
{
	size_t c = 1;

	if (k > n - k)
		k = n - k;
	for (size_t i = 1; i <= k; i++) {
		/* c * (n - k + i) / i stays exact: c is C(n-k+i-1, i-1). */
		c = c * (n - k + i) / i;
		if (c > limit)
			return limit + 1;
	}
	return c;
}

/* Advance idx (k ascending indices in [0, n)) to the next combination;
 * false after the last one. */
static bool next_combination(size_t *idx, size_t k, size_t n)
{
	size_t i = k;

	while (i > 0 && idx[i - 1] == n - k + i - 1)
		i--;
	if (i == 0)
		return false;
	idx[i - 1]++;
	for (size_t j = i; j < k; j++)
		idx[j] = idx[j - 1] + 1;
	return true;
}

double stats_permutation_min_p(size_t na, size_t nb)
{
	size_t total = binomial_capped(na + nb, na, STATS_PERMUTATIONS);

	if (total > STATS_PERMUTATIONS)
		return 1.0 / (STATS_PERMUTATIONS + 1);
	/* The lowest and the highest na ranks deviate from the mean rank sum
	 * by the same na * nb / 2: at least two splits are always extreme. */
	return (total > 1 ? 2.0 : 1.0) / (double)total;
}

int stats_permutation_p(const double *a, size_t na, const double *b, size_t nb, uint64_t seed,
			double *p, struct iso_err *err)
{
	size_t n = na + nb, hits = 0, total;
	cleanup_free double *pooled = NULL;
	cleanup_free double *rank = NULL;
	cleanup_free size_t *idx = NULL;
	double expect, obs, sum = 0;
	int r;

	r = check_sample(a, na, "permutation: first sample", err);
	if (r == 0)
		r = check_sample(b, nb, "permutation: second sample", err);
	if (r < 0)
		return r;
	pooled = malloc(n * sizeof(*pooled));
	rank = malloc(n * sizeof(*rank));
	idx = malloc(n * sizeof(*idx));
	if (!pooled || !rank || !idx)
		return iso_err_set(err, -ENOMEM, "permutation test of %zu samples", n);
	memcpy(pooled, a, na * sizeof(*pooled));
	memcpy(pooled + na, b, nb * sizeof(*pooled));
	if (midranks(pooled, n, rank) < 0)
		return iso_err_set(err, -ENOMEM, "rank %zu samples", n);

	/* Statistic: |rank sum of the first group - its expectation|, the
	 * two-sided Wilcoxon-Mann-Whitney statistic. Ranks are multiples of
	 * 1/2, so comparisons against the observed value are exact. */
	expect = (double)na * (double)(n + 1) / 2.0;
	for (size_t i = 0; i < na; i++)
		sum += rank[i];
	obs = fabs(sum - expect);

	total = binomial_capped(n, na, STATS_PERMUTATIONS);
	if (total <= STATS_PERMUTATIONS) {
		for (size_t i = 0; i < na; i++)
			idx[i] = i;
		do {
			sum = 0;
			for (size_t i = 0; i < na; i++)
				sum += rank[idx[i]];
			hits += fabs(sum - expect) >= obs;
		} while (next_combination(idx, na, n));
		*p = (double)hits / (double)total;
		return 0;
	}

	struct stats_rng rng;

	stats_rng_seed(&rng, seed);
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	for (size_t t = 0; t < STATS_PERMUTATIONS; t++) {
		/* Partial Fisher-Yates: the first na slots form the relabelled
		 * first group. */
		sum = 0;
		for (size_t i = 0; i < na; i++) {
			size_t j = i + stats_rng_below(&rng, n - i), tmp = idx[i];

			idx[i] = idx[j];
			idx[j] = tmp;
			sum += rank[idx[i]];
		}
		hits += fabs(sum - expect) >= obs;
	}
	*p = (double)(hits + 1) / (double)(STATS_PERMUTATIONS + 1);
	return 0;
}
