/* The run loop against a deterministic mock executor (the shape of
 * hyperfine's MockExecutor): interleaving, warm-up, dropping a failing
 * backend, network skips, density levels and their memory bound, the
 * derived overhead, cancellation, and the JSON round trip of the result
 * set the loop produces. */
#include <errno.h>
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
#include "fsutil.h"
#include "runloop.h"

static const struct backend be_native = {.name = "native", .kind = BACKEND_NATIVE, .uses_net = 1};
static const struct backend be_ctr = {.name = "ctr", .kind = BACKEND_CONTAINER, .uses_net = 1};
static const struct backend be_vm = {.name = "vm", .kind = BACKEND_VM, .uses_net = 0};
static const struct backend be_bad = {.name = "bad", .kind = BACKEND_CONTAINER, .uses_net = 1};

#define LOG_MAX 256

struct mock {
	struct executor ex;
	char log[LOG_MAX][48];
	size_t nlog;
	unsigned int held, max_held, holds;
	unsigned long avail_mib;
	volatile sig_atomic_t *cancel; /* set once cancel_at instances ran */
	size_t cancel_at;
};

/* Deterministic values: startup = 10 * (backend rank) + instances;
 * PSS 10 MiB natively, 14 MiB in ctr, 30 MiB in vm. */
static double mock_rank(const struct backend *be)
{
	return be == &be_native ? 1 : be == &be_ctr ? 2 : 3;
}

static int mock_measure(struct executor *ex, const struct job *job, struct sample_list *out,
			struct iso_err *err)
{
	struct mock *m = ex->self;

	if (m->nlog < LOG_MAX)
		snprintf(m->log[m->nlog++], sizeof(m->log[0]), "%s/%s/%u%s", job->be->name,
			 job->wl->name, job->instances, job->warmup ? "w" : "");
	if (m->cancel && m->nlog == m->cancel_at)
		*m->cancel = 1;
	if (job->be == &be_bad)
		return iso_err_input(err, -EIO, "bad backend never starts");
	sample_add(out, "startup.ready_ms", 10 * mock_rank(job->be) + job->instances);
	if (job->wl->holds)
		sample_add(out, "memory.pss_mib",
			   job->be == &be_native ? 10
			   : job->be == &be_ctr	 ? 14
						 : 30);
	return 0;
}

static int mock_hold(struct executor *ex, const struct job *job, void **handle, struct iso_err *err)
{
	struct mock *m = ex->self;

	(void)job;
	(void)err;
	m->holds++;
	if (++m->held > m->max_held)
		m->max_held = m->held;
	*handle = m;
	return 0;
}

static void mock_release(struct executor *ex, void *handle)
{
	struct mock *m = ex->self;

	assert_ptr_equal(handle, m);
	m->held--;
}

static unsigned long mock_available(struct executor *ex)
{
	struct mock *m = ex->self;

	return m->avail_mib;
}

static const struct executor_ops mock_ops = {mock_measure, mock_hold, mock_release, mock_available};

static void mock_init(struct mock *m)
{
	memset(m, 0, sizeof(*m));
	m->ex.ops = &mock_ops;
	m->ex.self = m;
	m->avail_mib = 100000;
}

static struct results *new_set(void)
{
	struct results *rs = NULL;

	assert_int_equal(results_create("abc123", "bench run --test", &rs, NULL), 0);
	return rs;
}

static size_t nskipped(const struct results *rs)
{
	return rs->skipped ? (size_t)cJSON_GetArraySize(rs->skipped) : 0;
}

#define RUN_MAX 4
/* NULL-terminated lists for run(). */
#define BACKENDS(...)  ((const struct backend *const[]){__VA_ARGS__, NULL})
#define WORKLOADS(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Run the loop over mock `m` (initialised unless it was) and the result
 * set `rs` as it is: `cfg` says how (reps, warm-up, density, ...;
 * max_failures 2 unless set), `bes` and `wls` (suite workload names) what.
 * Returns runloop_run's result. */
static int run_set(struct runloop_config cfg, const struct backend *const *bes,
		   const char *const *wls, struct mock *m, struct results *rs, struct iso_err *err)
{
	static const struct backend *b[RUN_MAX];
	static const struct suite_workload *w[RUN_MAX];

	cfg.nbackends = cfg.nworkloads = 0;
	for (; *bes; bes++) {
		assert_true(cfg.nbackends < RUN_MAX);
		b[cfg.nbackends++] = *bes;
	}
	for (; *wls; wls++) {
		assert_true(cfg.nworkloads < RUN_MAX);
		assert_non_null(w[cfg.nworkloads++] = suite_find(*wls));
	}
	cfg.backends = b;
	cfg.workloads = w;
	if (!cfg.max_failures)
		cfg.max_failures = 2;
	if (!m->ex.ops)
		mock_init(m);
	return runloop_run(&cfg, &m->ex, rs, err);
}

/* run_set() over a fresh result set `*rs`. */
static int run(struct runloop_config cfg, const struct backend *const *bes, const char *const *wls,
	       struct mock *m, struct results **rs, struct iso_err *err)
{
	*rs = new_set();
	return run_set(cfg, bes, wls, m, *rs, err);
}

/* The mock ran exactly the instances of `order`. */
static void assert_log(const struct mock *m, const char *const *order, size_t n)
{
	assert_int_equal(m->nlog, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(m->log[i], order[i]);
}

static void test_interleaved_with_warmup(void **state)
{
	static const char *const order[] = {"native/ready/1w", "ctr/ready/1w",	 "vm/ready/1w",
					    "ctr/ready/1",     "vm/ready/1",	 "native/ready/1",
					    "vm/ready/1",      "native/ready/1", "ctr/ready/1"};
	struct results *rs;
	struct results_figure *f;
	struct mock m = {0};

	(void)state;
	assert_int_equal(run((struct runloop_config){.reps = 2, .warmup = 1},
			     BACKENDS(&be_native, &be_ctr, &be_vm), WORKLOADS("ready"), &m, &rs,
			     NULL),
			 0);
	assert_log(&m, order, 9);
	f = results_find(rs, "ctr", "ready", "startup.ready_ms", 1);
	assert_non_null(f);
	assert_int_equal(f->n_samples, 2); /* the warm-up is not kept */
	assert_near(f->samples[0], 21, 1e-12);
	assert_string_equal(f->unit, "ms");
	assert_int_equal(f->better, RESULTS_BETTER_LOWER);
	assert_int_equal(nskipped(rs), 0);
	results_destroy(rs);
}

static void test_warmup_once(void **state)
{
	static const char *const order[] = {"native/ready/1w", "ctr/ready/1w",	 "ctr/ready/1w",
					    "native/ready/1w", "native/ready/1", "ctr/ready/1",
					    "native/tasks/1",  "ctr/tasks/1"};
	struct results *rs;
	struct mock m = {0};

	(void)state;
	assert_int_equal(run((struct runloop_config){.reps = 1, .warmup = 2},
			     BACKENDS(&be_native, &be_ctr), WORKLOADS("ready", "tasks"), &m, &rs,
			     NULL),
			 0);
	assert_log(&m, order, 8);
	results_destroy(rs);
}

static void test_failing_backend_dropped(void **state)
{
	struct results *rs;
	struct mock m = {0};
	size_t bad_runs = 0;
	cJSON *entry;

	(void)state;
	assert_int_equal(run((struct runloop_config){.reps = 5}, BACKENDS(&be_native, &be_bad),
			     WORKLOADS("ready"), &m, &rs, NULL),
			 0);
	for (size_t i = 0; i < m.nlog; i++)
		bad_runs += !strncmp(m.log[i], "bad/", 4);
	assert_int_equal(bad_runs, 2); /* two failures in a row, then dropped */
	assert_int_equal(results_find(rs, "native", "ready", "startup.ready_ms", 1)->n_samples, 5);
	assert_null(results_find(rs, "bad", "ready", "startup.ready_ms", 1));
	assert_int_equal(nskipped(rs), 1);
	entry = cJSON_GetArrayItem(rs->skipped, 0);
	assert_string_equal(cJSON_GetObjectItem(entry, "backend")->valuestring, "bad");
	assert_string_equal(cJSON_GetObjectItem(entry, "workload")->valuestring, "ready");
	assert_string_equal(cJSON_GetObjectItem(entry, "reason")->valuestring,
			    "bad backend never starts");
	results_destroy(rs);
}

static void test_network_skip(void **state)
{
	struct results *rs;
	struct mock m = {0};

	(void)state;
	assert_int_equal(run((struct runloop_config){.reps = 1}, BACKENDS(&be_native, &be_vm),
			     WORKLOADS("net-stream"), &m, &rs, NULL),
			 0);
	assert_int_equal(m.nlog, 1);
	assert_string_equal(m.log[0], "native/net-stream/1");
	assert_int_equal(nskipped(rs), 1);
	assert_string_equal(
		cJSON_GetObjectItem(cJSON_GetArrayItem(rs->skipped, 0), "reason")->valuestring,
		"cannot attach to the network lab");
	results_destroy(rs);
}

static void test_density_and_overhead(void **state)
{
	struct results *rs;
	struct results_figure *f;
	struct mock m = {0};

	(void)state;
	assert_int_equal(run((struct runloop_config){.reps = 3,
						     .density_max = 4,
						     .density_reps = 2,
						     .density_mib = 100},
			     BACKENDS(&be_native, &be_ctr), WORKLOADS("mem"), &m, &rs, NULL),
			 0);
	/* Levels 2 and 4: 1 then 2 more held, all released. */
	assert_int_equal(m.max_held, 3);
	assert_int_equal(m.holds, 6);
	assert_int_equal(m.held, 0);
	f = results_find(rs, "ctr", "mem", "startup.ready_ms", 4);
	assert_non_null(f);
	assert_int_equal(f->n_samples, 2);
	assert_near(f->samples[0], 24, 1e-12);
	assert_non_null(results_find(rs, "native", "mem", "memory.pss_mib", 2));
	assert_null(results_find(rs, "ctr", "mem", "startup.ready_ms", 8));
	/* ctr 14 MiB against native's median 10 MiB. */
	f = results_find(rs, "ctr", "mem", "memory.overhead_mib", 1);
	assert_non_null(f);
	assert_int_equal(f->n_samples, 3);
	assert_near(f->samples[2], 4, 1e-12);
	assert_non_null(results_find(rs, "ctr", "mem", "memory.overhead_mib", 4));
	assert_null(results_find(rs, "native", "mem", "memory.overhead_mib", 1));
	results_destroy(rs);
}

static void test_density_memory_bound(void **state)
{
	struct results *rs;
	struct mock m;

	(void)state;
	mock_init(&m);
	m.avail_mib = 150; /* below two instances' worth: nothing held */
	assert_int_equal(run((struct runloop_config){.reps = 1,
						     .density_max = 8,
						     .density_reps = 1,
						     .density_mib = 100},
			     BACKENDS(&be_native), WORKLOADS("mem"), &m, &rs, NULL),
			 0);
	assert_int_equal(m.holds, 0);
	assert_null(results_find(rs, "native", "mem", "startup.ready_ms", 2));
	assert_int_equal(nskipped(rs), 1);
	assert_non_null(strstr(
		cJSON_GetObjectItem(cJSON_GetArrayItem(rs->skipped, 0), "reason")->valuestring,
		"memory bound"));
	results_destroy(rs);
}

/* A temporary `dir` for results.json at `path`, and mock `m` that sets
 * `*cancel` once `at` instances ran. */
static void cancel_setup(char *dir, char *path, size_t cap, struct mock *m,
			 volatile sig_atomic_t *cancel, size_t at)
{
	assert_non_null(mkdtemp(dir));
	snprintf(path, cap, "%s/results.json", dir);
	mock_init(m);
	m->cancel = cancel;
	m->cancel_at = at;
}

/* Cancel mid-run: -EINTR, and what was measured is on disk and loads. */
static void test_cancel_keeps_partial(void **state)
{
	char dir[] = "/tmp/test_runloop.XXXXXX", path[64];
	volatile sig_atomic_t cancel = 0;
	struct results *rs, *back = NULL;
	struct iso_err err = {0};
	struct mock m;

	(void)state;
	cancel_setup(dir, path, sizeof(path), &m, &cancel, 4); /* two repetitions of ready */
	assert_int_equal(
		run((struct runloop_config){.reps = 3, .results_path = path, .cancel = &cancel},
		    BACKENDS(&be_native, &be_ctr), WORKLOADS("ready", "mem"), &m, &rs, &err),
		-EINTR);
	assert_int_equal(m.nlog, 4);
	assert_int_equal(results_load(path, &back, &err), 0);
	assert_int_equal(results_find(back, "native", "ready", "startup.ready_ms", 1)->n_samples,
			 2);
	assert_null(results_find(back, "native", "mem", "startup.ready_ms", 1));
	results_destroy(back);
	results_destroy(rs);
	fsutil_rm_tree(dir, NULL);
}

/* A resumed run (the partial set of a cancelled one, loaded from disk)
 * measures only what the set lacks, after one warm-up: every figure ends
 * with `reps` samples. Resuming a complete set measures nothing. */
static void test_resume_fills_missing(void **state)
{
	static const char *const order[] = {
		"native/ready/1w", "ctr/ready/1w", "ctr/ready/1", "ctr/ready/1",
		"native/ready/1",  "native/mem/1", "ctr/mem/1",	  "ctr/mem/1",
		"native/mem/1",	   "native/mem/1", "ctr/mem/1",
	};
	static const char *const wls[] = {"ready", "mem"};
	char dir[] = "/tmp/test_runloop.XXXXXX", path[64];
	volatile sig_atomic_t cancel = 0;
	struct results *rs, *back = NULL;
	struct iso_err err = {0};
	struct runloop_config cfg;
	struct mock m;

	(void)state;
	/* Cancelled after the warm-up round, ctr and native, then native. */
	cancel_setup(dir, path, sizeof(path), &m, &cancel, 5);
	cfg = (struct runloop_config){.reps = 3, .warmup = 1, .results_path = path};
	cfg.cancel = &cancel;
	assert_int_equal(
		run(cfg, BACKENDS(&be_native, &be_ctr), WORKLOADS("ready", "mem"), &m, &rs, &err),
		-EINTR);
	results_destroy(rs);
	assert_int_equal(results_load(path, &back, &err), 0);
	assert_int_equal(results_find(back, "native", "ready", "startup.ready_ms", 1)->n_samples,
			 2);
	assert_int_equal(results_find(back, "ctr", "ready", "startup.ready_ms", 1)->n_samples, 1);

	mock_init(&m);
	cancel = 0;
	assert_int_equal(run_set(cfg, BACKENDS(&be_native, &be_ctr), WORKLOADS("ready", "mem"), &m,
				 back, &err),
			 0);
	assert_log(&m, order, sizeof(order) / sizeof(order[0]));
	for (size_t w = 0; w < 2; w++)
		for (const char *const *b = (const char *const[]){"native", "ctr", NULL}; *b; b++)
			assert_int_equal(
				results_find(back, *b, wls[w], "startup.ready_ms", 1)->n_samples,
				3);
	/* mem holds memory: its overhead is derived from all three samples. */
	assert_int_equal(results_find(back, "ctr", "mem", "memory.overhead_mib", 1)->n_samples, 3);

	mock_init(&m);
	assert_int_equal(run_set(cfg, BACKENDS(&be_native, &be_ctr), WORKLOADS("ready", "mem"), &m,
				 back, &err),
			 0);
	assert_int_equal(m.nlog, 0);
	assert_int_equal(results_find(back, "ctr", "mem", "memory.overhead_mib", 1)->n_samples, 3);
	results_destroy(back);
	fsutil_rm_tree(dir, NULL);
}

/* What the loop writes, results_load reads back sample for sample. */
static void test_json_roundtrip(void **state)
{
	char dir[] = "/tmp/test_runloop.XXXXXX", path[64];
	struct results *rs, *back = NULL;
	struct iso_err err = {0};
	struct mock m = {0};

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/results.json", dir);
	assert_int_equal(run((struct runloop_config){.reps = 3,
						     .warmup = 1,
						     .density_max = 2,
						     .density_reps = 1,
						     .density_mib = 1,
						     .results_path = path},
			     BACKENDS(&be_native, &be_ctr, &be_vm), WORKLOADS("ready", "mem"), &m,
			     &rs, &err),
			 0);
	assert_int_equal(results_load(path, &back, &err), 0);
	assert_string_equal(back->run_id, "abc123");
	assert_int_equal(back->n_figures, rs->n_figures);
	for (size_t i = 0; i < rs->n_figures; i++) {
		const struct results_figure *a = rs->figures[i];
		const struct results_figure *b =
			results_find(back, a->backend, a->workload, a->metric, a->instances);

		assert_non_null(b);
		assert_string_equal(a->unit, b->unit);
		assert_int_equal(a->n_samples, b->n_samples);
		for (size_t s = 0; s < a->n_samples; s++)
			assert_near(a->samples[s], b->samples[s], 1e-12);
		assert_near(b->summary.median, a->summary.median, 1e-12);
	}
	results_destroy(back);
	results_destroy(rs);
	fsutil_rm_tree(dir, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interleaved_with_warmup),
		cmocka_unit_test(test_warmup_once),
		cmocka_unit_test(test_failing_backend_dropped),
		cmocka_unit_test(test_network_skip),
		cmocka_unit_test(test_density_and_overhead),
		cmocka_unit_test(test_density_memory_bound),
		cmocka_unit_test(test_cancel_keeps_partial),
		cmocka_unit_test(test_resume_fills_missing),
		cmocka_unit_test(test_json_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
