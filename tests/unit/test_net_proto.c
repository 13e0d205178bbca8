/* bench-sink session header and the rr latency percentiles. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "latency.h"
#include "net_proto.h"

static void test_roundtrip(void **state)
{
	struct net_hello in = {.mode = NET_MODE_RR, .duration_ms = 2500, .size = 64}, out;
	uint8_t buf[NET_PROTO_HELLO_BYTES];
	const uint8_t want[NET_PROTO_HELLO_BYTES] = {'I', 'S', 'O',  'B',  1, 3, 0, 0,
						     0,	  0,   0x09, 0xc4, 0, 0, 0, 64};

	(void)state;
	net_proto_encode(&in, buf);
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(net_proto_decode(buf, &out, NULL), 0);
	assert_int_equal(out.mode, NET_MODE_RR);
	assert_int_equal(out.duration_ms, 2500);
	assert_int_equal(out.size, 64);
}

static void test_rejects(void **state)
{
	struct net_hello ok = {.mode = NET_MODE_TO_SINK, .duration_ms = 1000}, out;
	static const struct {
		size_t off;
		uint8_t val;
		const char *detail;
	} bad[] = {
		{0, 'X', "bad magic"},	{4, 2, "version"},  {5, 0, "unknown mode"},
		{5, 4, "unknown mode"}, {6, 1, "reserved"}, {15, 1, "size 1 invalid"},
		{8, 0xff, "duration"},
	};
	uint8_t buf[NET_PROTO_HELLO_BYTES];
	struct net_hello zero = {.mode = NET_MODE_FROM_SINK, .duration_ms = 0};
	struct net_hello rr0 = {.mode = NET_MODE_RR, .duration_ms = 1, .size = 0};
	struct iso_err err = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		net_proto_encode(&ok, buf);
		buf[bad[i].off] = bad[i].val;
		assert_int_equal(net_proto_decode(buf, &out, &err), -EPROTO);
		if (!strstr(err.msg, bad[i].detail))
			fail_msg("byte %zu: got '%s'", bad[i].off, err.msg);
	}
	net_proto_encode(&zero, buf);
	assert_int_equal(net_proto_decode(buf, &out, &err), -EPROTO);
	net_proto_encode(&rr0, buf);
	assert_int_equal(net_proto_decode(buf, &out, &err), -EPROTO);
}

static void test_percentiles(void **state)
{
	uint32_t s[100];
	uint32_t one[] = {7};

	(void)state;
	/* 100..1 reversed: after sorting, sample k (1-based) is k. */
	for (unsigned i = 0; i < 100; i++)
		s[i] = 100 - i;
	latency_sort(s, 100);
	assert_int_equal(s[0], 1);
	assert_int_equal(latency_percentile(s, 100, 50), 50);
	assert_int_equal(latency_percentile(s, 100, 99), 99);
	assert_int_equal(latency_percentile(s, 100, 100), 100);
	assert_int_equal(latency_percentile(s, 100, 0), 1);
	/* Nearest rank on 10 samples: p99 is the largest. */
	assert_int_equal(latency_percentile(s, 10, 99), 10);
	assert_int_equal(latency_percentile(s, 10, 50), 5);
	assert_int_equal(latency_percentile(one, 1, 99), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_percentiles),
	};
	return cmocka_run_group_tests_name("net_proto", tests, NULL, NULL);
}
