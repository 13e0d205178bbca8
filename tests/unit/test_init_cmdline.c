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

/* Accepted lines and what they configure: addresses in host order, 0
 * where not set. */
static void test_accepted(void **state)
{
	static const struct {
		const char *line;
		int have_ip, have_gw;
		uint32_t addr, gw;
		int prefix;
		const char *ifname;
	} cases[] = {
		{"console=ttyS0 quiet bench.ip=10.0.0.2/24 bench.gw=10.0.0.1 bench.if=eth1 "
		 "-- net-rr 1\n",
		 1, 1, 0x0a000002, 0x0a000001, 24, "eth1"},
		{"console=ttyS0 panic=-1", 0, 0, 0, 0, 0, "eth0"},
		/* Words after "--" are the workload's, even if they look like ours. */
		{"quiet -- ready bench.ip=junk", 0, 0, 0, 0, 0, "eth0"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct init_net_cfg c;
		struct iso_err err = {0};

		if (init_cmdline_parse(cases[i].line, &c, &err) != 0)
			fail_msg("'%s': %s", cases[i].line, err.msg);
		assert_int_equal(c.have_ip, cases[i].have_ip);
		assert_int_equal(c.have_gw, cases[i].have_gw);
		if (c.have_ip) {
			assert_int_equal(ntohl(c.addr.s_addr), cases[i].addr);
			assert_int_equal(c.prefix, cases[i].prefix);
		}
		if (c.have_gw)
			assert_int_equal(ntohl(c.gw.s_addr), cases[i].gw);
		assert_string_equal(c.ifname, cases[i].ifname);
	}
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
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_bad),
	};
	return cmocka_run_group_tests_name("init_cmdline", tests, NULL, NULL);
}
