/* Workload argument handling: defaults, accepted forms, and a one-line
 * error for every missing or bad argument. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "workload_args.h"

#define ARGV_MAX 16

union parsed {
	struct ready_args ready;
	struct mem_args mem;
	struct cpu_args cpu;
	struct syscall_args syscall;
	struct net_stream_args stream;
	struct net_rr_args rr;
};

/* Split `line` ("mem 64 --hold 2.5") into words and run the parser of
 * its first word, the workload, into the matching member of `a`. */
static int parse(const char *line, union parsed *a, struct iso_err *err)
{
	char words[256];
	char *argv[ARGV_MAX + 1];
	int argc = 0;

	snprintf(words, sizeof(words), "%s", line);
	for (char *w = strtok(words, " "); w && argc < ARGV_MAX; w = strtok(NULL, " "))
		argv[argc++] = w;
	argv[argc] = NULL;
	if (!strcmp(argv[0], "ready"))
		return workload_args_ready(argc, argv, &a->ready, err);
	if (!strcmp(argv[0], "mem"))
		return workload_args_mem(argc, argv, &a->mem, err);
	if (!strcmp(argv[0], "cpu"))
		return workload_args_cpu(argc, argv, &a->cpu, err);
	if (!strcmp(argv[0], "syscall"))
		return workload_args_syscall(argc, argv, &a->syscall, err);
	if (!strcmp(argv[0], "tasks"))
		return workload_args_tasks(argc, argv, err);
	if (!strcmp(argv[0], "net-stream"))
		return workload_args_net_stream(argc, argv, &a->stream, err);
	if (!strcmp(argv[0], "net-rr"))
		return workload_args_net_rr(argc, argv, &a->rr, err);
	fail_msg("no parser for '%s'", argv[0]);
	return -1;
}

/* Accepted arguments and the values they give (defaults where absent). */
static void test_accepted(void **state)
{
	union parsed a;
	struct iso_err err = {0};

	(void)state;
	assert_int_equal(parse("ready", &a, &err), 0);
	assert_int_equal(a.ready.code, 0);
	assert_int_equal(parse("ready 3", &a, &err), 0);
	assert_int_equal(a.ready.code, 3);

	assert_int_equal(parse("mem 64", &a, &err), 0);
	assert_int_equal(a.mem.mib, 64);
	assert_true(a.mem.hold_s == 0);
	assert_int_equal(parse("mem 64 --hold 2.5", &a, &err), 0);
	assert_true(a.mem.hold_s == 2.5);

	assert_int_equal(parse("cpu", &a, &err), 0);
	assert_int_equal(a.cpu.iter, WORKLOAD_CPU_ITER_DEFAULT);
	assert_int_equal(parse("cpu 1000", &a, &err), 0);
	assert_int_equal(a.cpu.iter, 1000);
	assert_int_equal(parse("syscall", &a, &err), 0);
	assert_int_equal(a.syscall.calls, WORKLOAD_SYSCALL_CALLS_DEFAULT);
	assert_int_equal(parse("tasks", &a, &err), 0);

	assert_int_equal(parse("net-stream 10.0.0.2 5201", &a, &err), 0);
	assert_int_equal(a.stream.dir, NET_STREAM_SEND);
	assert_true(a.stream.seconds == WORKLOAD_NET_SECONDS_DEFAULT);
	assert_int_equal(ntohs(a.stream.sink.sin_port), 5201);
	assert_int_equal(ntohl(a.stream.sink.sin_addr.s_addr), 0x0a000002);
	assert_int_equal(parse("net-stream 10.0.0.2 5201 --recv --seconds 2 --warmup 0", &a, &err),
			 0);
	assert_int_equal(a.stream.dir, NET_STREAM_RECV);
	assert_true(a.stream.seconds == 2 && a.stream.warmup_s == 0);

	assert_int_equal(parse("net-rr 10.0.0.2 5201 --size 64 --seconds 1", &a, &err), 0);
	assert_int_equal(a.rr.size, 64);
	assert_true(a.rr.seconds == 1);
}

/* Every refusal is -EINVAL with one line: the workload's usage, then
 * what is wrong. */
static void test_refused(void **state)
{
	static const struct {
		const char *line, *detail;
	} cases[] = {
		{"ready x", "'x' is not a number"},
		{"ready 256", "outside 0..255"},
		{"ready -1", "'-1' is not a number"},
		{"ready 1 2", "too many"},
		{"mem", "MIB is missing"},
		{"mem 0", "outside"},
		{"mem 64k", "'64k' is not a number"},
		{"mem 64 --hold", "--hold needs a value"},
		{"mem 64 --hold soon", "not a number of seconds"},
		{"mem 64 --keep", "unknown argument '--keep'"},
		{"cpu 0", "ITER"},
		{"syscall 1e6", "'1e6' is not a number"},
		{"syscall 1 2", "too many"},
		{"tasks all", "too many"},
		{"net-stream", "HOST and PORT are required"},
		{"net-stream 10.0.0.2", "HOST and PORT are required"},
		{"net-stream sink.local 5201", "not an IPv4 address"},
		{"net-stream 10.0.0.2 0", "PORT"},
		{"net-stream 10.0.0.2 1 --seconds 0", "more than 0"},
		{"net-stream 10.0.0.2 1 --seconds 1e9", "outside 0..3600"},
		{"net-stream 10.0.0.2 1 --both", "'--both'"},
		{"net-rr", "HOST and PORT"},
		{"net-rr 10.0.0.2 1 --size 65537", "outside 1..65536"},
		{"net-rr 10.0.0.2 1 --size", "--size needs a value"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char usage[64];
		union parsed a;
		struct iso_err err = {0};

		snprintf(usage, sizeof(usage), "usage: %.*s", (int)strcspn(cases[i].line, " "),
			 cases[i].line);
		if (parse(cases[i].line, &a, &err) != -EINVAL || err.code != -EINVAL ||
		    strchr(err.msg, '\n') || strncmp(err.msg, usage, strlen(usage)) != 0 ||
		    !strstr(err.msg, cases[i].detail))
			fail_msg("'%s': got %d '%s', want -EINVAL '%s ... %s'", cases[i].line,
				 err.code, err.msg, usage, cases[i].detail);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests_name("workload_args", tests, NULL, NULL);
}
