/* Result set: create -> save -> load round trip, atomic save, and one
 * clear error naming file and field for each kind of bad document. */
#include <dirent.h>
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
#include "results.h"

struct fixture {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	strcpy(fx->dir, "/tmp/test_results.XXXXXX");
	if (!mkdtemp(fx->dir))
		return -1;
	snprintf(fx->path, sizeof(fx->path), "%s/results.json", fx->dir);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	DIR *d = opendir(fx->dir);
	struct dirent *e;
	char p[512];

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", fx->dir, e->d_name);
		unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static struct results *sample_set(void)
{
	struct results *rs;
	struct results_figure *f, *again;
	struct iso_err err = {0};

	assert_int_equal(results_create("1a2b3c", "bench run --all", &rs, &err), 0);
	assert_int_equal(results_figure(rs, "vm", "ready", "startup.ready_ms", "ms",
					RESULTS_BETTER_LOWER, 1, &f, &err),
			 0);
	assert_int_equal(results_add_sample(f, 12.1, &err), 0);
	assert_int_equal(results_add_sample(f, 11.9, &err), 0);
	assert_int_equal(results_add_sample(f, 12.4, &err), 0);
	/* find, not add */
	assert_int_equal(results_figure(rs, "vm", "ready", "startup.ready_ms", "ms",
					RESULTS_BETTER_LOWER, 1, &again, &err),
			 0);
	assert_ptr_equal(f, again);
	assert_int_equal(results_figure(rs, "ctr", "net-stream", "net.stream_tx_gbps", "Gbit/s",
					RESULTS_BETTER_HIGHER, 4, &f, &err),
			 0);
	f->noisy = true;
	for (int i = 0; i < 40; i++)
		assert_int_equal(results_add_sample(f, 9.0 + 0.0123456789 * i, &err), 0);
	/* a figure without samples is not written */
	assert_int_equal(results_figure(rs, "bwrap", "ready", "startup.ready_ms", "ms",
					RESULTS_BETTER_LOWER, 1, &f, &err),
			 0);
	results_set_environment(rs, cJSON_Parse("{\"host\":\"h\",\"kvm\":\"emulated\","
						"\"memory_mib\":24000,\"cpu\":{\"pus\":2}}"));
	results_set_config(rs, cJSON_Parse("{\"reps\":3,\"interleaved\":true}"));
	results_set_skipped(rs, cJSON_Parse("[{\"backend\":\"crun\",\"reason\":\"no\"}]"));
	return rs;
}

static void test_roundtrip(void **state)
{
	struct fixture *fx = *state;
	struct results *a = sample_set(), *b = NULL;
	struct iso_err err = {0};
	DIR *d;
	struct dirent *e;
	int files = 0;

	assert_int_equal(results_save(a, fx->path, &err), 0);
	/* atomic save leaves exactly the target behind */
	d = opendir(fx->dir);
	while ((e = readdir(d)))
		files += e->d_name[0] != '.';
	closedir(d);
	assert_int_equal(files, 1);
	/* and a second save replaces it */
	assert_int_equal(results_save(a, fx->path, &err), 0);

	assert_int_equal(results_load(fx->path, &b, &err), 0);
	assert_string_equal(b->run_id, "1a2b3c");
	assert_string_equal(b->command, "bench run --all");
	assert_string_equal(b->created, a->created);
	assert_true(cJSON_Compare(a->environment, b->environment, 1));
	assert_true(cJSON_Compare(a->config, b->config, 1));
	assert_true(cJSON_Compare(a->skipped, b->skipped, 1));
	assert_int_equal(b->n_figures, 2);
	for (size_t i = 0; i < 2; i++) {
		const struct results_figure *x = a->figures[i], *y = b->figures[i];

		assert_string_equal(x->backend, y->backend);
		assert_string_equal(x->workload, y->workload);
		assert_string_equal(x->metric, y->metric);
		assert_string_equal(x->unit, y->unit);
		assert_int_equal(x->better, y->better);
		assert_int_equal(x->instances, y->instances);
		assert_int_equal(x->noisy, y->noisy);
		assert_int_equal(x->n_samples, y->n_samples);
		/* doubles survive the text form bit for bit */
		assert_memory_equal(x->samples, y->samples, x->n_samples * sizeof(double));
		assert_memory_equal(&x->summary, &y->summary, sizeof(x->summary));
	}
	assert_near(b->figures[0]->summary.median, 12.1, 1e-12);
	assert_near(b->figures[0]->summary.p75, 12.25, 1e-12);
	assert_null(results_find(b, "bwrap", "ready", "startup.ready_ms", 1));
	assert_non_null(results_find(b, "ctr", "net-stream", "net.stream_tx_gbps", 4));
	results_destroy(a);
	results_destroy(b);
}

static void test_merge(void **state)
{
	struct results *a = sample_set(), *b = sample_set(), *c;
	struct results_figure *f;
	struct iso_err err = {0};

	(void)state;
	assert_int_equal(results_create("ffffff", "other", &c, &err), 0);
	assert_int_equal(results_figure(c, "native", "ready", "startup.ready_ms", "ms",
					RESULTS_BETTER_LOWER, 1, &f, &err),
			 0);
	assert_int_equal(results_add_sample(f, 1.5, &err), 0);
	assert_int_equal(results_merge(a, b, &err), 0);
	assert_int_equal(results_merge(a, c, &err), 0);
	assert_int_equal(a->n_figures, 4);
	f = results_find(a, "vm", "ready", "startup.ready_ms", 1);
	assert_int_equal(f->n_samples, 6);
	assert_near(f->samples[3], 12.1, 0);
	assert_int_equal(results_find(a, "ctr", "net-stream", "net.stream_tx_gbps", 4)->n_samples,
			 80);
	assert_int_equal(results_find(a, "native", "ready", "startup.ready_ms", 1)->n_samples, 1);
	/* an empty set adopts the trees of the first it pools */
	results_destroy(c);
	assert_int_equal(results_create("ffffff", "other", &c, &err), 0);
	assert_int_equal(results_merge(c, b, &err), 0);
	assert_true(cJSON_Compare(c->environment, b->environment, 1));
	/* one metric, one meaning */
	results_figure(b, "vm", "ready", "startup.ready_ms", "ms", RESULTS_BETTER_LOWER, 1, &f,
		       &err);
	free(f->unit);
	f->unit = strdup("s");
	assert_int_equal(results_merge(a, b, &err), -EINVAL);
	results_destroy(a);
	results_destroy(b);
	results_destroy(c);
}

static void test_figure_mismatch(void **state)
{
	struct results *rs = sample_set();
	struct results_figure *f;
	struct iso_err err = {0};

	(void)state;
	assert_int_equal(results_figure(rs, "vm", "ready", "startup.ready_ms", "s",
					RESULTS_BETTER_LOWER, 1, &f, &err),
			 -EINVAL);
	assert_int_equal(
		results_figure(rs, "vm", "ready", "x", "ms", RESULTS_BETTER_LOWER, 0, &f, &err),
		-EINVAL);
	assert_int_equal(results_add_sample(rs->figures[0], 1.0 / 0.0, &err), -EINVAL);
	results_destroy(rs);
}

/* Load `text` and expect -EINVAL with exactly `msg` after "<path>: ". */
static void expect_bad(const struct fixture *fx, const char *text, const char *msg)
{
	struct results *rs = NULL;
	struct iso_err err = {0};
	char want[512];

	write_text(fx->path, text);
	assert_int_equal(results_load(fx->path, &rs, &err), -EINVAL);
	assert_null(rs);
	snprintf(want, sizeof(want), "%s: %s", fx->path, msg);
	assert_string_equal(err.msg, want);
}

#define HEAD                                                                                       \
	"{\"schema\":\"isobench-results/1\",\"run_id\":\"a\",\"created\":\"t\",\"command\":\"c\","
#define FIG(extra)                                                                                 \
	"{\"backend\":\"vm\",\"workload\":\"ready\",\"metric\":\"m\",\"unit\":\"ms\","             \
	"\"better\":\"lower\",\"instances\":1" extra "}"

static void test_bad_documents(void **state)
{
	const struct fixture *fx = *state;

	expect_bad(fx, "{\"schema\": 1,\n oops", "not valid JSON (line 2)");
	expect_bad(fx, "[]", "(top level): not an object");
	expect_bad(fx, "{\"schema\":\"isobench-results/2\"}",
		   "schema: \"isobench-results/2\" is not isobench-results/1");
	expect_bad(fx, HEAD "\"environment\":[],\"figures\":[]}", "environment: not an object");
	expect_bad(fx, HEAD "\"environment\":{\"kvm\":\"maybe\"},\"figures\":[]}",
		   "environment.kvm: not one of native, emulated, none");
	expect_bad(fx, HEAD "\"skipped\":[{\"backend\":\"x\"}],\"figures\":[]}",
		   "skipped[0].reason: missing");
	expect_bad(fx, HEAD "\"figures\":{}}", "figures: not an array");
	expect_bad(fx, HEAD "\"figures\":[" FIG(",\"samples\":[1,\"2\"]") "]}",
		   "figures[0].samples[1]: not a finite number");
	expect_bad(fx, HEAD "\"figures\":[" FIG(",\"samples\":[]") "]}",
		   "figures[0].samples: empty");
	expect_bad(fx,
		   HEAD "\"figures\":[" FIG(",\"samples\":[1]") "," FIG(",\"samples\":[2]") "]}",
		   "figures[1].*: duplicate of an earlier figure (same backend, workload, metric, "
		   "instances)");
	expect_bad(fx,
		   HEAD "\"figures\":[{\"backend\":\"vm\",\"workload\":\"ready\",\"metric\":\"m\","
			"\"unit\":\"ms\",\"better\":\"faster\",\"instances\":1,\"samples\":[1]}]}",
		   "figures[0].better: not \"lower\" or \"higher\"");
	expect_bad(fx,
		   HEAD "\"figures\":[{\"backend\":\"vm\",\"workload\":\"ready\",\"metric\":\"m\","
			"\"unit\":\"ms\",\"better\":\"lower\",\"instances\":1.5,\"samples\":[1]}]}",
		   "figures[0].instances: not an integer in [1, 100000]");
	expect_bad(fx,
		   HEAD "\"figures\":[{\"backend\":\"\",\"workload\":\"ready\",\"metric\":\"m\"}]}",
		   "figures[0].backend: not a non-empty string");
	expect_bad(fx, HEAD "\"figures\":[" FIG(",\"noisy\":1,\"samples\":[1]") "]}",
		   "figures[0].noisy: not a boolean");
}

static void test_missing_file(void **state)
{
	const struct fixture *fx = *state;
	struct results *rs = NULL;
	struct iso_err err = {0};
	char p[256];

	snprintf(p, sizeof(p), "%s/absent.json", fx->dir);
	assert_int_equal(results_load(p, &rs, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "absent.json"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_figure_mismatch),
		cmocka_unit_test_setup_teardown(test_bad_documents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
