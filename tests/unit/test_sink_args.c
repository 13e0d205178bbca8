/* bench-sink's command line. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "sink_args.h"

#define ARGC(v) ((int)(sizeof(v) / sizeof((v)[0])))

static void test_sink_args(void **state)
{
	char *ok[] = {"bench-sink", "--listen", "10.0.0.2:5201"},
	     *full[] = {"bench-sink", "--once", "--listen", "0.0.0.0:1", "--max-seconds", "9"},
	     *none[] = {"bench-sink"}, *noport[] = {"bench-sink", "--listen", "10.0.0.2"},
	     *zero[] = {"bench-sink", "--listen", "10.0.0.2:1", "--max-seconds", "0"},
	     *dangling[] = {"bench-sink", "--listen"},
	     *unknown[] = {"bench-sink", "--listen", "10.0.0.2:1", "-v"};
	struct sink_args a;
	struct iso_err err = {0};

	(void)state;
	assert_int_equal(sink_args_parse(ARGC(ok), ok, &a, &err), 0);
	assert_int_equal(ntohs(a.listen.sin_port), 5201);
	assert_true(a.max_s == SINK_MAX_S_DEFAULT);
	assert_false(a.once);
	assert_int_equal(sink_args_parse(ARGC(full), full, &a, &err), 0);
	assert_true(a.once && a.max_s == 9);
	assert_int_equal(sink_args_parse(ARGC(none), none, &a, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "--listen is required"));
	assert_int_equal(sink_args_parse(ARGC(noport), noport, &a, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "expected ADDR:PORT"));
	assert_int_equal(sink_args_parse(ARGC(zero), zero, &a, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "more than 0"));
	assert_int_equal(sink_args_parse(ARGC(dangling), dangling, &a, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "needs a value"));
	assert_int_equal(sink_args_parse(ARGC(unknown), unknown, &a, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "unknown argument '-v'"));
	assert_null(strchr(err.msg, '\n'));
	assert_true(strncmp(err.msg, "usage: bench-sink", 17) == 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sink_args),
	};
	return cmocka_run_group_tests_name("sink_args", tests, NULL, NULL);
}
