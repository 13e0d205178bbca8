/* The init's kernel command-line parameters (bench.ip, bench.gw, bench.if). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "init_cmdline.h"

static void test_full(void **state)
{
	struct init_net_cfg c;
	struct iso_err err = {0};

	(void)state;
	assert_int_equal(init_cmdline_parse("console=ttyS0 quiet bench.ip=10.0.0.2/24 "
					    "bench.gw=10.0.0.1 bench.if=eth1 -- net-rr 1\n",
					    &c, &err),
			 0);
	assert_true(c.have_ip && c.have_gw);
	assert_int_equal(ntohl(c.addr.s_addr), 0x0a000002);
	assert_int_equal(c.prefix, 24);
	assert_int_equal(ntohl(c.gw.s_addr), 0x0a000001);
	assert_string_equal(c.ifname, "eth1");
}

static void test_none(void **state)
{
	struct init_net_cfg c;

	(void)state;
	assert_int_equal(init_cmdline_parse("console=ttyS0 panic=-1", &c, NULL), 0);
	assert_false(c.have_ip);
	assert_false(c.have_gw);
	assert_string_equal(c.ifname, "eth0");
}

static void test_after_dashes_ignored(void **state)
{
	struct init_net_cfg c;

	(void)state;
	/* Words after "--" are the workload's, even if they look like ours. */
	assert_int_equal(init_cmdline_parse("quiet -- ready bench.ip=junk", &c, NULL), 0);
	assert_false(c.have_ip);
}

static void test_bad(void **state)
{
	static const struct {
		const char *line, *detail;
	} cases[] = {
		{"bench.ip=10.0.0.2", "expected ADDR/PREFIX"},
		{"bench.ip=10.0.0.256/24", "bad IPv4 address"},
		{"bench.ip=10.0.0.2/33", "prefix must be 0..32"},
		{"bench.ip=10.0.0.2/", "prefix must be 0..32"},
		{"bench.ip=10.0.0.2/24 bench.gw=gw", "bad IPv4 address"},
		{"bench.gw=10.0.0.1", "bench.gw without bench.ip"},
		{"bench.if=", "bad interface name"},
		{"bench.if=averyveryverylongname", "bad interface name"},
		{"bench.ipaddr=10.0.0.2/24", "unknown parameter 'bench.ipaddr=10.0.0.2/24'"},
		{"bench.ip=10.0.0.2/"
		 "24aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		 "too long"},
	};
	struct init_net_cfg c;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct iso_err err = {0};

		assert_int_equal(init_cmdline_parse(cases[i].line, &c, &err), -EINVAL);
		if (!strstr(err.msg, cases[i].detail))
			fail_msg("'%s': got '%s'", cases[i].line, err.msg);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_after_dashes_ignored),
		cmocka_unit_test(test_bad),
	};
	return cmocka_run_group_tests_name("init_cmdline", tests, NULL, NULL);
}
