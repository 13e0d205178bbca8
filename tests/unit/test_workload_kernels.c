/* What the cpu and tasks workloads compute: the cpu kernel's checksum is
 * fixed (checked against an independent reference implementation), and
 * the task census classifies /proc/<pid>/stat lines correctly. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cpu_kernel.h"
#include "tasks_count.h"

static void test_cpu_checksum(void **state)
{
	(void)state;
	/* Values from a Python transcription of the kernel (arbitrary
	 * precision integers masked to 64 bits). */
	assert_int_equal(cpu_kernel_run(0), 0);
	assert_int_equal(cpu_kernel_run(1), 0x717cf0aa0ef1a370ull);
	assert_int_equal(cpu_kernel_run(1000), 0x92c8d7ce98bdb924ull);
	assert_int_equal(cpu_kernel_run(100000), 0xc17f3fc7c5a5807cull);
}

static void test_stat_kthread(void **state)
{
	/* Field 9 is flags: kthreadd has PF_KTHREAD (0x00200000 = 2097152). */
	const char *kthreadd = "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 3";
	const char *user = "1234 (my prog) (x) R 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0";
	const char *bad = "99 (truncated) S 1";

	(void)state;
	assert_int_equal(tasks_count_stat_is_kthread(kthreadd), 1);
	assert_int_equal(tasks_count_stat_is_kthread(user), 0);
	assert_int_equal(tasks_count_stat_is_kthread(bad), -EPROTO);
	assert_int_equal(tasks_count_stat_is_kthread("no parenthesis"), -EPROTO);
}

static void test_scan_self(void **state)
{
	struct tasks_count c;
	struct iso_err err = {0};

	(void)state;
	assert_int_equal(tasks_count_scan("/proc", &c, &err), 0);
	/* At least this test process, with at least one thread each. */
	assert_true(c.processes >= 1);
	assert_true(c.threads >= c.processes);
	assert_int_equal(tasks_count_scan("/nonexistent", &c, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "open /nonexistent"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_checksum),
		cmocka_unit_test(test_stat_kthread),
		cmocka_unit_test(test_scan_self),
	};
	return cmocka_run_group_tests_name("workload_kernels", tests, NULL, NULL);
}
