/* Workload side of the bench port over the fd transport: what a workload
 * sends is what the port reader delivers; bad specs and values are refused
 * before anything is written. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bench_port.h"
#include "port_events.h"
#include "port_reader.h"

static void test_parse_spec(void **state)
{
	struct iso_err err = {0};
	int fd = 0;

	(void)state;
	assert_int_equal(bench_port_parse_spec("fd:3", &fd, &err), 0);
	assert_int_equal(fd, 3);
	assert_int_equal(bench_port_parse_spec("io", &fd, &err), 0);
	assert_int_equal(fd, -1);
	assert_int_equal(bench_port_parse_spec("fd:", &fd, &err), -EINVAL);
	assert_int_equal(bench_port_parse_spec("fd:3x", &fd, &err), -EINVAL);
	assert_int_equal(bench_port_parse_spec("fd:-1", &fd, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "bad descriptor number"));
	assert_int_equal(bench_port_parse_spec("serial", &fd, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "expected fd:N or io"));
}

/* One test owns the process's port: open it once on a pipe. */
static void test_fd_transport(void **state)
{
	struct iso_err err = {0};
	struct port_reader r;
	struct seen s = {0};
	char spec[16], long_value[BENCH_WIRE_VALUE_MAX + 2];
	int p[2];

	(void)state;
	assert_int_equal(bench_ready(&err), -ENOTCONN);
	assert_int_equal(pipe2(p, O_NONBLOCK), 0);
	snprintf(spec, sizeof(spec), "fd:%d", p[1]);
	assert_int_equal(bench_port_open_spec(spec, &err), 0);
	assert_int_equal(bench_ready(&err), 0);
	assert_int_equal(bench_report(&err, "gbps", "%.3f", 9.5), 0);
	/* Refused before anything is written. */
	memset(long_value, '7', sizeof(long_value) - 1);
	long_value[sizeof(long_value) - 1] = '\0';
	assert_int_equal(bench_report(&err, "v", "%s", long_value), -EINVAL);
	assert_int_equal(bench_report(&err, "has space", "1"), -EINVAL);
	assert_int_equal(bench_report(&err, "k", "a=b"), -EINVAL);
	assert_int_equal(bench_port_exit(300, &err), -EINVAL);
	assert_int_equal(bench_port_exit(3, &err), 0);
	close(p[1]);

	port_reader_init(&r, seen_record, &s, NULL, NULL);
	while (port_reader_read(&r, p[0], &err) > 0)
		;
	close(p[0]);
	assert_int_equal(r.rejected, 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.ev[0].msg.type, BENCH_MSG_READY);
	assert_string_equal(s.ev[1].msg.key, "gbps");
	assert_string_equal(s.ev[1].msg.value, "9.500");
	assert_int_equal(s.ev[2].msg.type, BENCH_MSG_EXIT);
	assert_int_equal(s.ev[2].msg.status, 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_spec),
		cmocka_unit_test(test_fd_transport),
	};
	return cmocka_run_group_tests_name("bench_port", tests, NULL, NULL);
}
