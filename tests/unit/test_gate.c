/* The regression gate on synthetic result sets from a seeded generator:
 * planted regressions are caught, equal distributions pass in >= 99% of
 * trials (also with a noisy machine's outliers), improvements are not
 * regressions, impossible values and a bad thresholds file are rejected. */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "assert_near.h"
#include "gate.h"

#define TRIALS 200

/* The committed thresholds: the tests check the file CI really uses
 * (tests run from the repository root). */
static int setup(void **state)
{
	struct gate_config *cfg = NULL;
	struct iso_err err = {0};

	if (gate_config_load("results/thresholds.json", &cfg, &err) < 0) {
		fprintf(stderr, "# %s\n", err.msg);
		return -1;
	}
	*state = cfg;
	return 0;
}

static int teardown(void **state)
{
	gate_config_destroy(*state);
	return 0;
}

/* Standard normal by Box-Muller. */
static double normal(struct stats_rng *rng)
{
	double u = 1.0 - stats_rng_uniform(rng), v = stats_rng_uniform(rng);

	return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

/* How a shared CI machine disturbs samples: log-normal spread `sigma`
 * and, with probability `p_outlier`, a sample slowed by 30-80% (another
 * job stealing the core); `reps` samples per figure. */
struct noise {
	double sigma, p_outlier;
	int reps;
};

/* A one-figure set with nz.reps samples around `median`. */
static struct results *synth(struct stats_rng *rng, const char *metric, const char *unit,
			     enum results_better better, double median, struct noise nz)
{
	struct results *rs;
	struct results_figure *f;

	assert_int_equal(results_create("abcdef", "synthetic", &rs, NULL), 0);
	assert_int_equal(results_figure(rs, "vm", "ready", metric, unit, better, 1, &f, NULL), 0);
	for (int i = 0; i < nz.reps; i++) {
		double x = median * exp(nz.sigma * normal(rng));

		if (stats_rng_uniform(rng) < nz.p_outlier) {
			double slow = 1.3 + 0.5 * stats_rng_uniform(rng);

			x = better == RESULTS_BETTER_LOWER ? x * slow : x / slow;
		}
		assert_int_equal(results_add_sample(f, x, NULL), 0);
	}
	return rs;
}

/* Run TRIALS comparisons of BASE (median `base`) against HEAD (median
 * `base * factor`) and count each verdict. */
static void trials(const struct gate_config *cfg, const char *metric, const char *unit,
		   enum results_better better, double factor, struct noise nz, uint64_t seed,
		   size_t counts[GATE_NOT_GATED + 1])
{
	struct stats_rng rng;

	memset(counts, 0, (GATE_NOT_GATED + 1) * sizeof(counts[0]));
	stats_rng_seed(&rng, seed);
	for (int t = 0; t < TRIALS; t++) {
		struct results *b = synth(&rng, metric, unit, better, 100.0, nz);
		struct results *h = synth(&rng, metric, unit, better, 100.0 * factor, nz);
		struct gate_report rep;
		struct iso_err err = {0};

		assert_int_equal(gate_compare(cfg, b, h, &rep, &err), 0);
		assert_int_equal(rep.n_rows, 1);
		counts[rep.rows[0].verdict]++;
		assert_int_equal(rep.n_regressions, rep.rows[0].verdict == GATE_REGRESSION);
		gate_report_free(&rep);
		results_destroy(b);
		results_destroy(h);
	}
	fprintf(stderr,
		"# %s x%.2f sigma %.2f outliers %.2f: ok %zu regression %zu improvement %zu "
		"inconclusive %zu\n",
		metric, factor, nz.sigma, nz.p_outlier, counts[GATE_OK], counts[GATE_REGRESSION],
		counts[GATE_IMPROVEMENT], counts[GATE_INCONCLUSIVE]);
}

/* A quiet machine with the default 10 repetitions, and a shared one (10%
 * spread, one sample in ten disturbed) where 10 repetitions cannot show a
 * 20% change at p < 0.01 reliably (about half are caught), hence 30
 * (README: noisy machines). */
static const struct noise quiet = {0.05, 0.0, 10}, shared = {0.10, 0.10, 30};

static void test_equal_passes(void **state)
{
	size_t c[GATE_NOT_GATED + 1];

	/* >= 99% of 200 trials: at most 2 false alarms. */
	trials(*state, "startup.ready_ms", "ms", RESULTS_BETTER_LOWER, 1.0, quiet, 1, c);
	assert_true(c[GATE_REGRESSION] <= 2);
	trials(*state, "startup.ready_ms", "ms", RESULTS_BETTER_LOWER, 1.0, shared, 2, c);
	assert_true(c[GATE_REGRESSION] <= 2);
	trials(*state, "net.stream_tx_gbps", "Gbit/s", RESULTS_BETTER_HIGHER, 1.0, shared, 3, c);
	assert_true(c[GATE_REGRESSION] <= 2);
	/* memory has the tightest minimum effect (3%) */
	trials(*state, "memory.pss_mib", "MiB", RESULTS_BETTER_LOWER, 1.0, quiet, 4, c);
	assert_true(c[GATE_REGRESSION] <= 2);
}

static void test_planted_regression_caught(void **state)
{
	size_t c[GATE_NOT_GATED + 1];

	/* A 20% slower start: caught in >= 99% of trials. */
	trials(*state, "startup.ready_ms", "ms", RESULTS_BETTER_LOWER, 1.2, quiet, 5, c);
	assert_true(c[GATE_REGRESSION] >= TRIALS - 2);
	/* Shared machine: >= 95% fail the gate outright and none passes
	 * unflagged; the rest are "inconclusive", which `bench ab` re-runs. */
	trials(*state, "startup.ready_ms", "ms", RESULTS_BETTER_LOWER, 1.2, shared, 6, c);
	assert_true(c[GATE_REGRESSION] >= TRIALS * 95 / 100);
	assert_int_equal(c[GATE_REGRESSION] + c[GATE_INCONCLUSIVE], TRIALS);
	/* 20% less throughput (higher is better) */
	trials(*state, "net.stream_tx_gbps", "Gbit/s", RESULTS_BETTER_HIGHER, 0.8, quiet, 7, c);
	assert_true(c[GATE_REGRESSION] >= TRIALS - 2);
}

static void test_improvement_is_not_regression(void **state)
{
	size_t c[GATE_NOT_GATED + 1];

	trials(*state, "startup.ready_ms", "ms", RESULTS_BETTER_LOWER, 0.8, shared, 8, c);
	assert_int_equal(c[GATE_REGRESSION], 0);
	assert_true(c[GATE_IMPROVEMENT] >= TRIALS * 9 / 10);
	trials(*state, "net.stream_tx_gbps", "Gbit/s", RESULTS_BETTER_HIGHER, 1.25, quiet, 9, c);
	assert_int_equal(c[GATE_REGRESSION], 0);
	assert_true(c[GATE_IMPROVEMENT] >= TRIALS - 2);
}

static void test_small_change_within_effect_passes(void **state)
{
	size_t c[GATE_NOT_GATED + 1];

	/* 2% slower with 5% minimum effect: significant maybe, never failing. */
	trials(*state, "startup.ready_ms", "ms", RESULTS_BETTER_LOWER, 1.02, quiet, 10, c);
	assert_true(c[GATE_REGRESSION] <= 2);
}

/* A one-figure set of `runs` runs of nz.reps samples each; each run
 * shares a load factor exp(run_sigma * N(0, 1)) on top of the per-sample
 * noise: a neighbour job for the length of a run. */
static struct results *synth_runs(struct stats_rng *rng, double median, int runs, double run_sigma,
				  struct noise nz)
{
	struct results *rs = NULL;

	for (int i = 0; i < runs; i++) {
		struct results *one = synth(rng, "startup.ready_ms", "ms", RESULTS_BETTER_LOWER,
					    median * exp(run_sigma * normal(rng)), nz);

		if (!rs) {
			rs = one;
			continue;
		}
		assert_int_equal(results_merge(rs, one, NULL), 0);
		results_destroy(one);
	}
	return rs;
}

/* One `bench ab` on synthetic runs: two rounds per side; a suspect is
 * re-run for two more, then judged on every round and, with `confirm`,
 * on the re-run alone too (gate_confirm). The final verdict. */
static enum gate_verdict ab_trial(const struct gate_config *cfg, struct stats_rng *rng,
				  double factor, double run_sigma, bool confirm)
{
	const struct noise nz = {0.05, 0.0, 5};
	struct results *b = synth_runs(rng, 100, 2, run_sigma, nz);
	struct results *h = synth_runs(rng, 100 * factor, 2, run_sigma, nz);
	struct gate_report rep, again;
	enum gate_verdict v;

	assert_int_equal(gate_compare(cfg, b, h, &rep, NULL), 0);
	v = rep.rows[0].verdict;
	if (v == GATE_REGRESSION || v == GATE_INCONCLUSIVE) {
		struct results *rb = synth_runs(rng, 100, 2, run_sigma, nz);
		struct results *rh = synth_runs(rng, 100 * factor, 2, run_sigma, nz);

		assert_int_equal(results_merge(b, rb, NULL), 0);
		assert_int_equal(results_merge(h, rh, NULL), 0);
		gate_report_free(&rep);
		assert_int_equal(gate_compare(cfg, b, h, &rep, NULL), 0);
		if (confirm) {
			assert_int_equal(gate_compare(cfg, rb, rh, &again, NULL), 0);
			gate_confirm(&rep, &again);
			gate_report_free(&again);
		}
		v = rep.rows[0].verdict;
		assert_int_equal(rep.n_regressions, v == GATE_REGRESSION);
		results_destroy(rb);
		results_destroy(rh);
	}
	gate_report_free(&rep);
	results_destroy(b);
	results_destroy(h);
	return v;
}

static size_t ab_regressions(const struct gate_config *cfg, double factor, double run_sigma,
			     bool confirm, uint64_t seed)
{
	struct stats_rng rng;
	size_t n = 0;

	stats_rng_seed(&rng, seed);
	for (int t = 0; t < TRIALS; t++)
		n += ab_trial(cfg, &rng, factor, run_sigma, confirm) == GATE_REGRESSION;
	fprintf(stderr, "# ab x%.2f run sigma %.2f%s: %zu regression(s) in %d\n", factor, run_sigma,
		confirm ? " confirmed" : " pooled only", n, TRIALS);
	return n;
}

/* Load that shifts whole runs (20% spread between runs: samples of one
 * run are not independent) fools a gate on pooled samples; requiring the
 * re-run alone to agree cuts those false alarms to 2% or less, and a
 * real 20% regression still fails. */
static void test_ab_confirmation(void **state)
{
	const struct gate_config *cfg = *state;
	size_t pooled = ab_regressions(cfg, 1.0, 0.2, false, 11);
	size_t confirmed = ab_regressions(cfg, 1.0, 0.2, true, 11);

	assert_true(confirmed < pooled);
	assert_true(confirmed <= TRIALS / 50);
	assert_true(ab_regressions(cfg, 1.2, 0.02, true, 12) >= TRIALS - 2);
}

static void test_judge(void **state)
{
	const struct gate_config *cfg = *state;
	struct stats_ratio r = {.ratio = 1.2, .ci_level = 0.99, .ci_lo = 1.1, .ci_hi = 1.3};

	assert_int_equal(gate_judge(cfg, RESULTS_BETTER_LOWER, 0.001, &r, 0.05, false),
			 GATE_REGRESSION);
	/* not significant */
	assert_int_equal(gate_judge(cfg, RESULTS_BETTER_LOWER, 0.02, &r, 0.05, false), GATE_OK);
	/* CI reaches into the allowed band: inconclusive, passes */
	r.ci_lo = 1.03;
	assert_int_equal(gate_judge(cfg, RESULTS_BETTER_LOWER, 0.001, &r, 0.05, false),
			 GATE_INCONCLUSIVE);
	/* higher is better: +20% is an improvement */
	r.ci_lo = 1.1;
	assert_int_equal(gate_judge(cfg, RESULTS_BETTER_HIGHER, 0.001, &r, 0.05, false),
			 GATE_IMPROVEMENT);
	r = (struct stats_ratio){.ratio = 0.8, .ci_lo = 0.7, .ci_hi = 0.9};
	assert_int_equal(gate_judge(cfg, RESULTS_BETTER_HIGHER, 0.001, &r, 0.05, false),
			 GATE_REGRESSION);
	assert_int_equal(gate_judge(cfg, RESULTS_BETTER_HIGHER, 0.001, &r, 0.05, true),
			 GATE_UNDERPOWERED);
}

static void test_underpowered_and_noisy(void **state)
{
	const struct gate_config *cfg = *state;
	struct results *b, *h;
	struct results_figure *fb, *fh;
	struct gate_report rep;

	assert_int_equal(results_create("a", "c", &b, NULL), 0);
	assert_int_equal(results_create("a", "c", &h, NULL), 0);
	assert_int_equal(results_figure(b, "vm", "ready", "startup.ready_ms", "ms",
					RESULTS_BETTER_LOWER, 1, &fb, NULL),
			 0);
	assert_int_equal(results_figure(h, "vm", "ready", "startup.ready_ms", "ms",
					RESULTS_BETTER_LOWER, 1, &fh, NULL),
			 0);
	/* 3 reps each: even a doubling cannot reach p < 0.01 (min p 0.1). */
	for (int i = 0; i < 3; i++) {
		assert_int_equal(results_add_sample(fb, 10 + i, NULL), 0);
		assert_int_equal(results_add_sample(fh, 20 + i, NULL), 0);
	}
	assert_int_equal(gate_compare(cfg, b, h, &rep, NULL), 0);
	assert_int_equal(rep.rows[0].verdict, GATE_UNDERPOWERED);
	assert_int_equal(rep.n_regressions, 0);
	gate_report_free(&rep);
	/* a noisy figure is reported, never gated */
	for (int i = 0; i < 10; i++) {
		assert_int_equal(results_add_sample(fb, 10 + i % 3, NULL), 0);
		assert_int_equal(results_add_sample(fh, 20 + i % 3, NULL), 0);
	}
	fh->noisy = true;
	assert_int_equal(gate_compare(cfg, b, h, &rep, NULL), 0);
	assert_int_equal(rep.rows[0].verdict, GATE_NOT_GATED);
	gate_report_free(&rep);
	fh->noisy = false;
	assert_int_equal(gate_compare(cfg, b, h, &rep, NULL), 0);
	assert_int_equal(rep.rows[0].verdict, GATE_REGRESSION);
	assert_near(rep.rows[0].ratio.ratio, 21.0 / 11.0, 1e-9);
	gate_report_free(&rep);
	results_destroy(b);
	results_destroy(h);
}

static void test_bounds(void **state)
{
	const struct gate_config *cfg = *state;
	struct results *rs;
	struct results_figure *f;
	struct gate_report rep;
	struct iso_err err = {0};

	assert_int_equal(results_create("a", "c", &rs, NULL), 0);
	assert_int_equal(results_figure(rs, "ctr", "mem", "memory.pss_mib", "MiB",
					RESULTS_BETTER_LOWER, 1, &f, NULL),
			 0);
	assert_int_equal(results_add_sample(f, 30000, NULL), 0);
	/* no environment.memory_mib: not bounded above */
	assert_int_equal(gate_check_bounds(cfg, rs, "HEAD", &err), 0);
	results_set_environment(rs, cJSON_Parse("{\"memory_mib\": 24000}"));
	assert_int_equal(gate_check_bounds(cfg, rs, "HEAD", &err), -EINVAL);
	assert_string_equal(err.msg, "HEAD: ctr/mem/memory.pss_mib x1: sample 0 = 30000 MiB is "
				     "impossible (allowed 0 .. 24000, environment.memory_mib)");
	assert_int_equal(gate_compare(cfg, rs, rs, &rep, &err), -EINVAL);
	f->samples[0] = 100;
	assert_int_equal(results_figure(rs, "vm", "ready", "startup.ready_ms", "ms",
					RESULTS_BETTER_LOWER, 1, &f, NULL),
			 0);
	assert_int_equal(results_add_sample(f, -1.5, NULL), 0);
	assert_int_equal(gate_check_bounds(cfg, rs, "BASE", &err), -EINVAL);
	assert_string_equal(err.msg, "BASE: vm/ready/startup.ready_ms x1: sample 0 = -1.5 ms is "
				     "impossible (allowed 0 .. 600000)");
	results_destroy(rs);
}

static void test_effects_from_file(void **state)
{
	const struct gate_config *cfg = *state;

	assert_near(gate_effect_for(cfg, "startup.ready_ms"), 0.05, 1e-12);
	assert_near(gate_effect_for(cfg, "memory.pss_mib"), 0.03, 1e-12);
	assert_near(gate_effect_for(cfg, "tasks.host"), 0.0, 1e-12);
	assert_near(gate_effect_for(cfg, "workload.rss_kib"), 0.05, 1e-12);
	assert_near(cfg->alpha, 0.01, 1e-12);
}

/* Each bad thresholds file is refused with "<file>: <field>: <problem>"
 * and nothing half-loaded survives (ASan would see a leak). */
static void test_bad_thresholds(void **state)
{
#define HEAD "{\"schema\":\"isobench-thresholds/1\",\"alpha\":0.01,\"ci_level\":0.99,"
	static const struct {
		const char *doc, *want;
	} cases[] = {
		{HEAD "\"min_effect\":[{\"metric\":\"x\",\"effect\":-1}],\"bounds\":[]}",
		 "min_effect[0].effect: not in [0, 1)"},
		{HEAD "\"min_effect\":[{\"metric\":\"x\",\"effect\":0},{\"metric\":\"y\"}],"
		      "\"bounds\":[]}",
		 "min_effect[1].effect: missing"},
		{HEAD "\"min_effect\":[],\"bounds\":{}}", "bounds: not an array"},
		{HEAD "\"min_effect\":[],\"bounds\":[{\"metric\":\"m\",\"min\":0,"
		      "\"max\":\"memory_mib\"},{\"min\":0,\"max\":1}]}",
		 "bounds[1]: no metric pattern"},
		{HEAD "\"min_effect\":[],\"bounds\":[{\"metric\":\"a\",\"min\":0,\"max\":1},"
		      "{\"metric\":\"b\",\"min\":2,\"max\":1}]}",
		 "bounds[1].max: below min"},
		{"{\"schema\":\"isobench-thresholds/2\"}", "schema: not isobench-thresholds/1"},
		{"{\"schema\":\"isobench-thresholds/1\",\"alpha\":0}", "alpha: not in (0, 1)"},
		{"{\"schema\":\"isobench-thresholds/1\",\"alpha\":0.01}", "ci_level: missing"},
	};
#undef HEAD

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char path[] = "/tmp/test_gate.XXXXXX";
		struct gate_config *cfg = NULL;
		struct iso_err err = {0};
		char want[256];
		int fd = mkstemp(path);

		assert_true(fd >= 0);
		assert_int_equal(write(fd, cases[i].doc, strlen(cases[i].doc)),
				 (ssize_t)strlen(cases[i].doc));
		close(fd);
		assert_int_equal(gate_config_load(path, &cfg, &err), -EINVAL);
		unlink(path);
		snprintf(want, sizeof(want), "%s: %s", path, cases[i].want);
		assert_string_equal(err.msg, want);
		assert_null(cfg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_judge),
		cmocka_unit_test(test_effects_from_file),
		cmocka_unit_test(test_bad_thresholds),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_underpowered_and_noisy),
		cmocka_unit_test(test_equal_passes),
		cmocka_unit_test(test_planted_regression_caught),
		cmocka_unit_test(test_improvement_is_not_regression),
		cmocka_unit_test(test_small_change_within_effect_passes),
		cmocka_unit_test(test_ab_confirmation),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
