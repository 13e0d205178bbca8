/* Workload argument handling: defaults, accepted forms, and a one-line
 * error for every missing or bad argument. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "workload_args.h"

#define ARGC(v) ((int)(sizeof(v) / sizeof((v)[0])))

/* The error is one line that starts with the workload's usage. */
static void assert_usage_error(const struct iso_err *err, const char *usage_start,
			       const char *detail)
{
	assert_int_equal(err->code, -EINVAL);
	assert_null(strchr(err->msg, '\n'));
	assert_true(strncmp(err->msg, usage_start, strlen(usage_start)) == 0);
	assert_non_null(strstr(err->msg, detail));
}

static void test_ready(void **state)
{
	char *none[] = {"ready"}, *three[] = {"ready", "3"}, *bad[] = {"ready", "x"},
	     *big[] = {"ready", "256"}, *neg[] = {"ready", "-1"}, *many[] = {"ready", "1", "2"};
	struct ready_args a;
	struct iso_err err = {0};

	(void)state;
	assert_int_equal(workload_args_ready(ARGC(none), none, &a, &err), 0);
	assert_int_equal(a.code, 0);
	assert_int_equal(workload_args_ready(ARGC(three), three, &a, &err), 0);
	assert_int_equal(a.code, 3);
	assert_int_equal(workload_args_ready(ARGC(bad), bad, &a, &err), -EINVAL);
	assert_usage_error(&err, "usage: ready", "'x' is not a number");
	assert_int_equal(workload_args_ready(ARGC(big), big, &a, &err), -EINVAL);
	assert_usage_error(&err, "usage: ready", "outside 0..255");
	assert_int_equal(workload_args_ready(ARGC(neg), neg, &a, &err), -EINVAL);
	assert_int_equal(workload_args_ready(ARGC(many), many, &a, &err), -EINVAL);
	assert_usage_error(&err, "usage: ready", "too many");
}

static void test_mem(void **state)
{
	char *ok[] = {"mem", "64"}, *hold[] = {"mem", "64", "--hold", "2.5"}, *missing[] = {"mem"},
	     *zero[] = {"mem", "0"}, *junk[] = {"mem", "64k"}, *nohold[] = {"mem", "64", "--hold"},
	     *badhold[] = {"mem", "64", "--hold", "soon"}, *unknown[] = {"mem", "64", "--keep"};
	struct mem_args a;
	struct iso_err err = {0};

	(void)state;
	assert_int_equal(workload_args_mem(ARGC(ok), ok, &a, &err), 0);
	assert_int_equal(a.mib, 64);
	assert_true(a.hold_s == 0);
	assert_int_equal(workload_args_mem(ARGC(hold), hold, &a, &err), 0);
	assert_true(a.hold_s == 2.5);
	assert_int_equal(workload_args_mem(ARGC(missing), missing, &a, &err), -EINVAL);
	assert_usage_error(&err, "usage: mem", "MIB is missing");
	assert_int_equal(workload_args_mem(ARGC(zero), zero, &a, &err), -EINVAL);
	assert_usage_error(&err, "usage: mem", "outside");
	assert_int_equal(workload_args_mem(ARGC(junk), junk, &a, &err), -EINVAL);
	assert_usage_error(&err, "usage: mem", "'64k' is not a number");
	assert_int_equal(workload_args_mem(ARGC(nohold), nohold, &a, &err), -EINVAL);
	assert_usage_error(&err, "usage: mem", "--hold needs a value");
	assert_int_equal(workload_args_mem(ARGC(badhold), badhold, &a, &err), -EINVAL);
	assert_usage_error(&err, "usage: mem", "not a number of seconds");
	assert_int_equal(workload_args_mem(ARGC(unknown), unknown, &a, &err), -EINVAL);
	assert_usage_error(&err, "usage: mem", "unknown argument '--keep'");
}

static void test_cpu_and_syscall(void **state)
{
	char *cpu[] = {"cpu"}, *cpu_n[] = {"cpu", "1000"}, *cpu_0[] = {"cpu", "0"},
	     *sys[] = {"syscall"}, *sys_bad[] = {"syscall", "1e6"},
	     *sys_many[] = {"syscall", "1", "2"};
	struct cpu_args c;
	struct syscall_args s;
	struct iso_err err = {0};

	(void)state;
	assert_int_equal(workload_args_cpu(ARGC(cpu), cpu, &c, &err), 0);
	assert_int_equal(c.iter, WORKLOAD_CPU_ITER_DEFAULT);
	assert_int_equal(workload_args_cpu(ARGC(cpu_n), cpu_n, &c, &err), 0);
	assert_int_equal(c.iter, 1000);
	assert_int_equal(workload_args_cpu(ARGC(cpu_0), cpu_0, &c, &err), -EINVAL);
	assert_usage_error(&err, "usage: cpu", "ITER");
	assert_int_equal(workload_args_syscall(ARGC(sys), sys, &s, &err), 0);
	assert_int_equal(s.calls, WORKLOAD_SYSCALL_CALLS_DEFAULT);
	assert_int_equal(workload_args_syscall(ARGC(sys_bad), sys_bad, &s, &err), -EINVAL);
	assert_usage_error(&err, "usage: syscall", "'1e6' is not a number");
	assert_int_equal(workload_args_syscall(ARGC(sys_many), sys_many, &s, &err), -EINVAL);
	assert_usage_error(&err, "usage: syscall", "too many");
}

static void test_tasks(void **state)
{
	char *ok[] = {"tasks"}, *extra[] = {"tasks", "all"};
	struct iso_err err = {0};

	(void)state;
	assert_int_equal(workload_args_tasks(ARGC(ok), ok, &err), 0);
	assert_int_equal(workload_args_tasks(ARGC(extra), extra, &err), -EINVAL);
	assert_usage_error(&err, "usage: tasks", "too many");
}

static void test_net_stream(void **state)
{
	char *ok[] = {"net-stream", "10.0.0.2", "5201"},
	     *full[] = {"net-stream", "10.0.0.2", "5201",     "--recv",
			"--seconds",  "2",	  "--warmup", "0"},
	     *nohost[] = {"net-stream"}, *noport[] = {"net-stream", "10.0.0.2"},
	     *name[] = {"net-stream", "sink.local", "5201"},
	     *port0[] = {"net-stream", "10.0.0.2", "0"},
	     *secs0[] = {"net-stream", "10.0.0.2", "1", "--seconds", "0"},
	     *forever[] = {"net-stream", "10.0.0.2", "1", "--seconds", "1e9"},
	     *unknown[] = {"net-stream", "10.0.0.2", "1", "--both"};
	struct net_stream_args a;
	struct iso_err err = {0};

	(void)state;
	assert_int_equal(workload_args_net_stream(ARGC(ok), ok, &a, &err), 0);
	assert_int_equal(a.dir, NET_STREAM_SEND);
	assert_true(a.seconds == WORKLOAD_NET_SECONDS_DEFAULT);
	assert_int_equal(ntohs(a.sink.sin_port), 5201);
	assert_int_equal(ntohl(a.sink.sin_addr.s_addr), 0x0a000002);
	assert_int_equal(workload_args_net_stream(ARGC(full), full, &a, &err), 0);
	assert_int_equal(a.dir, NET_STREAM_RECV);
	assert_true(a.seconds == 2 && a.warmup_s == 0);
	assert_int_equal(workload_args_net_stream(ARGC(nohost), nohost, &a, &err), -EINVAL);
	assert_usage_error(&err, "usage: net-stream", "HOST and PORT are required");
	assert_int_equal(workload_args_net_stream(ARGC(noport), noport, &a, &err), -EINVAL);
	assert_int_equal(workload_args_net_stream(ARGC(name), name, &a, &err), -EINVAL);
	assert_usage_error(&err, "usage: net-stream", "not an IPv4 address");
	assert_int_equal(workload_args_net_stream(ARGC(port0), port0, &a, &err), -EINVAL);
	assert_usage_error(&err, "usage: net-stream", "PORT");
	assert_int_equal(workload_args_net_stream(ARGC(secs0), secs0, &a, &err), -EINVAL);
	assert_usage_error(&err, "usage: net-stream", "more than 0");
	assert_int_equal(workload_args_net_stream(ARGC(forever), forever, &a, &err), -EINVAL);
	assert_usage_error(&err, "usage: net-stream", "outside 0..3600");
	assert_int_equal(workload_args_net_stream(ARGC(unknown), unknown, &a, &err), -EINVAL);
	assert_usage_error(&err, "usage: net-stream", "'--both'");
}

static void test_net_rr(void **state)
{
	char *ok[] = {"net-rr", "10.0.0.2", "5201", "--size", "64", "--seconds", "1"},
	     *nohost[] = {"net-rr"}, *big[] = {"net-rr", "10.0.0.2", "1", "--size", "65537"},
	     *nosize[] = {"net-rr", "10.0.0.2", "1", "--size"};
	struct net_rr_args a;
	struct iso_err err = {0};

	(void)state;
	assert_int_equal(workload_args_net_rr(ARGC(ok), ok, &a, &err), 0);
	assert_int_equal(a.size, 64);
	assert_true(a.seconds == 1);
	assert_int_equal(workload_args_net_rr(ARGC(nohost), nohost, &a, &err), -EINVAL);
	assert_usage_error(&err, "usage: net-rr", "HOST and PORT");
	assert_int_equal(workload_args_net_rr(ARGC(big), big, &a, &err), -EINVAL);
	assert_usage_error(&err, "usage: net-rr", "outside 1..65536");
	assert_int_equal(workload_args_net_rr(ARGC(nosize), nosize, &a, &err), -EINVAL);
	assert_usage_error(&err, "usage: net-rr", "--size needs a value");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ready),		cmocka_unit_test(test_mem),
		cmocka_unit_test(test_cpu_and_syscall), cmocka_unit_test(test_tasks),
		cmocka_unit_test(test_net_stream),	cmocka_unit_test(test_net_rr),
	};
	return cmocka_run_group_tests_name("workload_args", tests, NULL, NULL);
}
