/* Statistics on known data: hand-computed medians, percentiles and MAD,
 * exact permutation p-values, bootstrap intervals and their determinism. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "assert_near.h"
#include "stats.h"

#define EPS 1e-9

/* Hand-computed summaries: type-7 percentiles, raw MAD, sample stddev;
 * the bootstrap interval of the median lies within [min, max] around it. */
static void test_summary_known(void **state)
{
	static const struct {
		double x[4];
		size_t n;
		double level, median, min, max, p25, p75, mad, mean, stddev;
	} cases[] = {
		/* p25 at h = 0.5 between 11.9 and 12.1, p75 between 12.1 and
		 * 12.4; |x - 12.1| = {0.3, 0.2, 0} -> 0.2; stddev
		 * sqrt((0.38 / 3) / 2) */
		{{12.4, 11.9, 12.1},
		 3,
		 0.95,
		 12.1,
		 11.9,
		 12.4,
		 12.0,
		 12.25,
		 0.2,
		 36.4 / 3,
		 0.25166114784235832},
		/* even n: the median interpolates; stddev sqrt(5 / 3) */
		{{4, 1, 3, 2}, 4, 0.9, 2.5, 1, 4, 1.75, 3.25, 1.0, 2.5, 1.2909944487358056},
		/* one sample: no spread, the interval is the sample */
		{{7.5}, 1, 0.95, 7.5, 7.5, 7.5, 7.5, 7.5, 0, 7.5, 0},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct stats_summary s;
		struct iso_err err = {0};

		assert_int_equal(stats_summarize(cases[i].x, cases[i].n, cases[i].level, &s, &err),
				 0);
		assert_int_equal(s.n, cases[i].n);
		assert_near(s.median, cases[i].median, EPS);
		assert_near(s.min, cases[i].min, EPS);
		assert_near(s.max, cases[i].max, EPS);
		assert_near(s.p25, cases[i].p25, EPS);
		assert_near(s.p75, cases[i].p75, EPS);
		assert_near(s.mad, cases[i].mad, EPS);
		assert_near(s.mean, cases[i].mean, EPS);
		assert_near(s.stddev, cases[i].stddev, EPS);
		assert_near(s.ci_level, cases[i].level, EPS);
		assert_true(s.ci_lo <= s.median && s.median <= s.ci_hi);
		assert_true(s.ci_lo >= s.min && s.ci_hi <= s.max);
	}
}

static void test_summary_deterministic_and_sensible(void **state)
{
	double x[41];
	struct stats_summary a, b;
	struct stats_rng rng;

	(void)state;
	stats_rng_seed(&rng, 42);
	for (size_t i = 0; i < 41; i++)
		x[i] = 100 + 10 * stats_rng_uniform(&rng);
	assert_int_equal(stats_summarize(x, 41, 0.95, &a, NULL), 0);
	assert_int_equal(stats_summarize(x, 41, 0.95, &b, NULL), 0);
	assert_memory_equal(&a, &b, sizeof(a));
	/* A 95% interval of the median of 41 uniform values on [100, 110]
	 * is narrower than the IQR and contains the median. */
	assert_true(a.ci_lo < a.median && a.median < a.ci_hi);
	assert_true(a.ci_hi - a.ci_lo < a.p75 - a.p25);
}

static void test_summary_rejects_bad_input(void **state)
{
	const double x[] = {1, NAN};
	struct stats_summary s;
	struct iso_err err = {0};

	(void)state;
	assert_int_equal(stats_summarize(x, 0, 0.95, &s, &err), -EINVAL);
	assert_string_equal(err.msg, "summarize: no samples");
	assert_int_equal(stats_summarize(x, 2, 0.95, &s, &err), -EINVAL);
	assert_string_equal(err.msg, "summarize: sample 1 is not finite");
	assert_int_equal(stats_summarize(x, 1, 1.0, &s, &err), -EINVAL);
}

static void test_percentile(void **state)
{
	const double s[] = {10, 20, 30, 40, 50}, inf[] = {1, INFINITY, INFINITY};

	(void)state;
	assert_near(stats_percentile_sorted(s, 5, 0), 10, EPS);
	assert_near(stats_percentile_sorted(s, 5, 1), 50, EPS);
	assert_near(stats_percentile_sorted(s, 5, 0.1), 14, EPS);
	assert_near(stats_percentile_sorted(s, 5, 0.9), 46, EPS);
	assert_near(stats_median(s, 5), 30, EPS);
	/* next to infinities: the nearer value, not NaN */
	assert_near(stats_percentile_sorted(inf, 3, 0.9), INFINITY, 0);
	assert_near(stats_percentile_sorted(inf, 3, 0.2), 1, 0);
}

static void test_permutation_exact(void **state)
{
	const double lo3[] = {1, 2, 3}, hi3[] = {4, 5, 6};
	const double lo2[] = {1, 2}, hi2[] = {3, 4};
	const double same[] = {5, 5, 5, 5};
	const double ta[] = {1, 2, 2, 7}, tb[] = {2, 8, 9};
	double p;

	(void)state;
	/* 20 splits of 6; rank sum 6 is 4.5 below its mean 10.5, reached
	 * only by {1,2,3} and its mirror {4,5,6}: 2/20 (the exact
	 * Mann-Whitney p-value for U = 0 with 3 + 3 samples). */
	assert_int_equal(stats_permutation_p(lo3, 3, hi3, 3, 1, &p, NULL), 0);
	assert_near(p, 2.0 / 20, EPS);
	/* 6 splits of ranks {1,2,3,4}: sums 3,4,5,5,6,7 around 5 -> 2/6. */
	assert_int_equal(stats_permutation_p(lo2, 2, hi2, 2, 1, &p, NULL), 0);
	assert_near(p, 2.0 / 6, EPS);
	/* No difference at all: every split is as extreme. */
	assert_int_equal(stats_permutation_p(same, 2, same + 2, 2, 1, &p, NULL), 0);
	assert_near(p, 1.0, EPS);
	/* Ties: midranks 1, 3, 3, 5 | 3, 6, 7; rank sum 12 vs mean 16.
	 * Of the 35 4-subsets of ranks {1,3,3,3,5,6,7}, sums <= 12 are
	 * {1,3,3,3}, {1,3,3,5} x3; sums >= 20 are {3,5,6,7} x3: 7/35. */
	assert_int_equal(stats_permutation_p(ta, 4, tb, 3, 1, &p, NULL), 0);
	assert_near(p, 7.0 / 35, EPS);
}

static void test_permutation_min_p(void **state)
{
	(void)state;
	assert_near(stats_permutation_min_p(3, 3), 2.0 / 20, EPS);
	assert_near(stats_permutation_min_p(5, 5), 2.0 / 252, EPS);
	assert_near(stats_permutation_min_p(2, 3), 2.0 / 10, EPS);
	assert_near(stats_permutation_min_p(20, 20), 1.0 / (STATS_PERMUTATIONS + 1), EPS);
}

static void test_permutation_sampled(void **state)
{
	double a[20], b[20], c[20], p1, p2;
	struct stats_rng rng;

	(void)state;
	stats_rng_seed(&rng, 7);
	for (size_t i = 0; i < 20; i++) {
		a[i] = 100 + stats_rng_uniform(&rng);
		b[i] = 110 + stats_rng_uniform(&rng);
		c[i] = 100 + stats_rng_uniform(&rng);
	}
	/* C(40, 20) is far above the cap: sampled. Fully separated groups:
	 * no relabelling reaches the observed gap, p is the floor. */
	assert_int_equal(stats_permutation_p(a, 20, b, 20, 3, &p1, NULL), 0);
	assert_near(p1, 1.0 / (STATS_PERMUTATIONS + 1), EPS);
	/* Same distribution: not significant; and the same seed repeats. */
	assert_int_equal(stats_permutation_p(a, 20, c, 20, 3, &p1, NULL), 0);
	assert_int_equal(stats_permutation_p(a, 20, c, 20, 3, &p2, NULL), 0);
	assert_true(p1 > 0.05);
	assert_near(p1, p2, 0);
}

static void test_ratio(void **state)
{
	const double base[] = {10, 10, 10}, head[] = {12, 12, 12}, zero[] = {0, 0};
	const double noisy_b[] = {98, 100, 102, 99, 101, 100, 97, 103};
	const double noisy_h[] = {118, 120, 122, 119, 121, 120, 117, 123};
	struct stats_ratio r;

	(void)state;
	assert_int_equal(stats_ratio_ci(base, 3, head, 3, 0.95, 1, &r, NULL), 0);
	assert_near(r.ratio, 1.2, EPS);
	assert_near(r.ci_lo, 1.2, EPS);
	assert_near(r.ci_hi, 1.2, EPS);
	assert_int_equal(stats_ratio_ci(zero, 2, zero, 2, 0.95, 1, &r, NULL), 0);
	assert_near(r.ratio, 1.0, EPS);
	assert_int_equal(stats_ratio_ci(zero, 2, base, 3, 0.95, 1, &r, NULL), 0);
	assert_true(isinf(r.ratio) && r.ratio > 0);
	assert_true(isinf(r.ci_lo) && isinf(r.ci_hi) && r.ci_lo > 0);
	assert_int_equal(stats_ratio_ci(noisy_b, 8, noisy_h, 8, 0.95, 1, &r, NULL), 0);
	assert_near(r.ratio, 1.2, EPS);
	assert_true(r.ci_lo > 1.15 && r.ci_lo < 1.2);
	assert_true(r.ci_hi > 1.2 && r.ci_hi < 1.25);
	assert_int_equal(stats_ratio_ci(base, 0, head, 3, 0.95, 1, &r, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_summary_known),
		cmocka_unit_test(test_summary_deterministic_and_sensible),
		cmocka_unit_test(test_summary_rejects_bad_input),
		cmocka_unit_test(test_percentile),
		cmocka_unit_test(test_permutation_exact),
		cmocka_unit_test(test_permutation_min_p),
		cmocka_unit_test(test_permutation_sampled),
		cmocka_unit_test(test_ratio),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
