/* The suite's tables: workload argv with the lab's sink substituted, the
 * REPORT-to-metric map (sums included), metric units, the backend table's completeness,
 * argument vectors and the guest kernel command line. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "backend.h"
#include "backend_guest.h"
#include "metrics.h"
#include "runloop.h"
#include "suite.h"

static void test_suite_argv(void **state)
{
	struct argv a = {0};
	char line[256];

	(void)state;
	assert_int_equal(suite_argv(suite_find("net-rr"), "10.77.1.1", "7000", &a, NULL), 0);
	assert_int_equal(argv_join(&a, 0, line, sizeof(line)), 0);
	assert_string_equal(line, "net-rr 10.77.1.1 7000 --seconds 1");
	assert_null(a.v[a.len]);
	argv_reset(&a);
	assert_int_equal(suite_argv(suite_find("ready"), "", "", &a, NULL), 0);
	assert_int_equal(a.len, 1);
	assert_int_equal(argv_join(&a, 0, line, 3), -EMSGSIZE);
	argv_reset(&a);
	/* The NAT twin runs the same program with the same arguments. */
	assert_int_equal(suite_argv(suite_find("net-rr-nat"), "10.78.1.1", "7000", &a, NULL), 0);
	assert_int_equal(argv_join(&a, 0, line, sizeof(line)), 0);
	assert_string_equal(line, "net-rr 10.78.1.1 7000 --seconds 1");
	assert_true(suite_find("net-rr-nat")->nat && !suite_find("net-rr-nat")->in_all);
	argv_reset(&a);
	assert_null(suite_find("nosuch"));
	assert_true(suite_density_workload()->holds);
}

/* The value of `metric` in `l`, or -1 when absent. */
static double sample_value(const struct sample_list *l, const char *metric)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->s[i].metric, metric))
			return l->s[i].value;
	return -1;
}

static void test_report_map(void **state)
{
	const struct suite_workload *tasks = suite_find("tasks");
	struct sample_list l = {.n = 0};

	(void)state;
	/* What the tasks workload reports in a guest: tasks.inside is every
	 * task seen inside, kernel threads included (DESIGN.md "tasks"). */
	sample_add_report(&l, tasks, "processes", 2);
	sample_add_report(&l, tasks, "threads", 3);
	sample_add_report(&l, tasks, "kernel_threads", 55);
	assert_int_equal(l.n, 3);
	assert_true(sample_value(&l, "tasks.inside") == 58);
	assert_true(sample_value(&l, "tasks.inside_kernel_threads") == 55);
	assert_true(sample_value(&l, "workload.processes") == 2);

	l.n = 0;
	sample_add_report(&l, suite_find("net-stream"), "gbps", 9.5);
	sample_add_report(&l, suite_find("net-stream"), "bytes", 1e9);
	assert_true(sample_value(&l, "net.stream_tx_gbps") == 9.5);
	assert_true(sample_value(&l, "workload.bytes") == 1e9);
}

static void test_metrics(void **state)
{
	struct metric_info i;

	(void)state;
	i = metrics_info("net.stream_tx_gbps");
	assert_string_equal(i.unit, "Gbit/s");
	assert_int_equal(i.better, RESULTS_BETTER_HIGHER);
	i = metrics_info("startup.phase.kernel_loaded_ms");
	assert_string_equal(i.unit, "ms");
	i = metrics_info("memory.system_delta_mib");
	assert_true(i.noisy);
	i = metrics_info("workload.rss_kib");
	assert_string_equal(i.unit, "count");
	assert_false(i.noisy);
	/* A prefix row matches only at a dot boundary of its own family. */
	i = metrics_info("startup.phasex");
	assert_string_equal(i.unit, "count");
}

static void test_backend_table(void **state)
{
	(void)state;
	assert_true(backend_table_count >= 7);
	for (size_t i = 0; i < backend_table_count; i++) {
		const struct backend *be = backend_table[i];

		assert_non_null(be->name);
		assert_non_null(be->summary);
		assert_non_null(be->program);
		assert_non_null(be->prepare);
		assert_ptr_equal(backend_find(be->name), be);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(backend_table[j]->name, be->name);
	}
	assert_false(backend_find("native")->peer);
	assert_true(backend_find("runc")->peer);
	assert_null(backend_find("docker"));
}

static void test_guest_cmdline(void **state)
{
	char *const wl[] = {"mem", "64", "--hold", "30", NULL};
	struct instance inst = {.workload = wl};
	char buf[256];

	(void)state;
	assert_int_equal(backend_guest_cmdline(&inst, buf, sizeof(buf), NULL), 0);
	assert_string_equal(buf, "console=ttyS0 quiet panic=-1 -- mem 64 --hold 30");
	strcpy(inst.ip, "10.77.3.12/24");
	assert_int_equal(backend_guest_cmdline(&inst, buf, sizeof(buf), NULL), 0);
	assert_string_equal(
		buf, "console=ttyS0 quiet panic=-1 bench.ip=10.77.3.12/24 -- mem 64 --hold 30");
	strcpy(inst.gw, "10.77.3.254");
	assert_int_equal(backend_guest_cmdline(&inst, buf, sizeof(buf), NULL), 0);
	assert_string_equal(buf, "console=ttyS0 quiet panic=-1 bench.ip=10.77.3.12/24 "
				 "bench.gw=10.77.3.254 -- mem 64 --hold 30");
	assert_int_equal(backend_guest_cmdline(&inst, buf, 40, NULL), -EMSGSIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suite_argv),    cmocka_unit_test(test_report_map),
		cmocka_unit_test(test_metrics),	      cmocka_unit_test(test_backend_table),
		cmocka_unit_test(test_guest_cmdline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
