/* Bench port wire format: good, truncated, oversized and garbage frames,
 * and the event lines backends forward to the harness. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "port_wire.h"

/* Feed `len` bytes; return the last non-zero feed result and count frames. */
static int feed_all(struct bench_wire_parser *p, const uint8_t *buf, size_t len,
		    struct bench_msg *out, int *frames)
{
	struct iso_err err = {0};
	int last = 0;

	*frames = 0;
	for (size_t i = 0; i < len; i++) {
		int r = bench_wire_feed(p, buf[i], out, &err);
		if (r == 1)
			(*frames)++;
		if (r != 0)
			last = r;
	}
	return last;
}

/* A REPORT frame survives the round trip, and nothing is delivered
 * until its last byte arrives. */
static void test_report_roundtrip(void **state)
{
	struct bench_msg in = {.type = BENCH_MSG_REPORT, .key = "rss_kib", .value = "65536"};
	struct bench_msg out;
	struct bench_wire_parser p;
	uint8_t buf[BENCH_WIRE_FRAME_MAX];
	int n, frames;

	(void)state;
	n = bench_wire_encode(&in, buf, sizeof(buf), NULL);
	assert_int_equal(n, BENCH_WIRE_HEADER + (int)strlen("rss_kib=65536"));
	assert_int_equal(buf[0], BENCH_WIRE_MAGIC);
	assert_int_equal(buf[2], BENCH_MSG_REPORT);
	bench_wire_parser_init(&p);
	assert_int_equal(feed_all(&p, buf, (size_t)n - 1, &out, &frames), 0);
	assert_int_equal(frames, 0);
	assert_int_equal(feed_all(&p, buf + n - 1, 1, &out, &frames), 1);
	assert_int_equal(frames, 1);
	assert_int_equal(out.type, BENCH_MSG_REPORT);
	assert_string_equal(out.key, "rss_kib");
	assert_string_equal(out.value, "65536");
}

static void test_ready_and_exit(void **state)
{
	struct bench_msg ready = {.type = BENCH_MSG_READY},
			 ex = {.type = BENCH_MSG_EXIT, .status = 3};
	struct bench_msg out;
	struct bench_wire_parser p;
	uint8_t buf[2 * BENCH_WIRE_FRAME_MAX];
	int n1, n2, frames;

	(void)state;
	n1 = bench_wire_encode(&ready, buf, sizeof(buf), NULL);
	n2 = bench_wire_encode(&ex, buf + n1, sizeof(buf) - (size_t)n1, NULL);
	assert_int_equal(n1, BENCH_WIRE_HEADER);
	assert_true(n2 > BENCH_WIRE_HEADER);
	bench_wire_parser_init(&p);
	assert_int_equal(feed_all(&p, buf, (size_t)(n1 + n2), &out, &frames), 1);
	assert_int_equal(frames, 2);
	assert_int_equal(out.type, BENCH_MSG_EXIT);
	assert_int_equal(out.status, 3);
}

static void test_oversized_rejected(void **state)
{
	uint8_t hdr[] = {BENCH_WIRE_MAGIC, BENCH_WIRE_VERSION, BENCH_MSG_REPORT, 200};
	struct bench_msg in = {.type = BENCH_MSG_REPORT}, out;
	struct bench_wire_parser p;
	struct iso_err err = {0};
	uint8_t small[8];
	int frames;

	(void)state;
	bench_wire_parser_init(&p);
	assert_int_equal(feed_all(&p, hdr, sizeof(hdr), &out, &frames), -EMSGSIZE);
	assert_int_equal(frames, 0);
	/* Encoder side: a value longer than the limit, or a buffer too small. */
	memset(in.key, 'k', BENCH_WIRE_KEY_MAX);
	memset(in.value, 'v', BENCH_WIRE_VALUE_MAX);
	assert_int_equal(bench_wire_encode(&in, small, sizeof(small), &err), -EMSGSIZE);
	assert_non_null(strstr(err.msg, "does not fit"));
}

static void test_garbage_rejected_then_resync(void **state)
{
	uint8_t junk[] = {'x', 0x00, 0xff};
	uint8_t badver[] = {BENCH_WIRE_MAGIC, 9};
	uint8_t badtype[] = {BENCH_WIRE_MAGIC, BENCH_WIRE_VERSION, 77, 0};
	uint8_t badkey[] = {
		BENCH_WIRE_MAGIC, BENCH_WIRE_VERSION, BENCH_MSG_REPORT, 3, 'a', ' ', '='};
	uint8_t noeq[] = {BENCH_WIRE_MAGIC, BENCH_WIRE_VERSION, BENCH_MSG_REPORT, 2, 'a', 'b'};
	uint8_t badexit[] = {
		BENCH_WIRE_MAGIC, BENCH_WIRE_VERSION, BENCH_MSG_EXIT, 3, '2', '5', '6'};
	uint8_t readyload[] = {BENCH_WIRE_MAGIC, BENCH_WIRE_VERSION, BENCH_MSG_READY, 1, 'x'};
	uint8_t good[] = {BENCH_WIRE_MAGIC, BENCH_WIRE_VERSION, BENCH_MSG_READY, 0};
	struct bench_msg out;
	struct bench_wire_parser p;
	int frames;

	(void)state;
	bench_wire_parser_init(&p);
	assert_int_equal(feed_all(&p, junk, sizeof(junk), &out, &frames), -EPROTO);
	assert_int_equal(feed_all(&p, badver, sizeof(badver), &out, &frames), -EPROTO);
	assert_int_equal(feed_all(&p, badtype, sizeof(badtype), &out, &frames), -EPROTO);
	assert_int_equal(feed_all(&p, badkey, sizeof(badkey), &out, &frames), -EPROTO);
	assert_int_equal(feed_all(&p, noeq, sizeof(noeq), &out, &frames), -EPROTO);
	assert_int_equal(feed_all(&p, badexit, sizeof(badexit), &out, &frames), -EPROTO);
	assert_int_equal(feed_all(&p, readyload, sizeof(readyload), &out, &frames), -EPROTO);
	assert_int_equal(feed_all(&p, good, sizeof(good), &out, &frames), 1);
	assert_int_equal(frames, 1);
	assert_int_equal(out.type, BENCH_MSG_READY);
}

static void test_encode_rejects_invalid(void **state)
{
	struct bench_msg space = {.type = BENCH_MSG_REPORT, .key = "a b", .value = "1"};
	struct bench_msg empty = {.type = BENCH_MSG_REPORT, .key = "a", .value = ""};
	struct bench_msg status = {.type = BENCH_MSG_EXIT, .status = 300};
	struct bench_msg phase = {.type = BENCH_MSG_PHASE, .key = "boot"};
	uint8_t buf[BENCH_WIRE_FRAME_MAX];

	(void)state;
	assert_int_equal(bench_wire_encode(&space, buf, sizeof(buf), NULL), -EINVAL);
	assert_int_equal(bench_wire_encode(&empty, buf, sizeof(buf), NULL), -EINVAL);
	assert_int_equal(bench_wire_encode(&status, buf, sizeof(buf), NULL), -EINVAL);
	assert_int_equal(bench_wire_encode(&phase, buf, sizeof(buf), NULL), -EINVAL);
}

static void test_event_lines(void **state)
{
	struct bench_event ev = {
		.t_ns = 123456789012ull,
		.msg = {.type = BENCH_MSG_REPORT, .key = "ns_per_call", .value = "41.5"}};
	struct bench_event back;
	char line[256];

	(void)state;
	assert_true(bench_event_format(&ev, line, sizeof(line)) > 0);
	assert_string_equal(line, "123456789012 REPORT ns_per_call 41.5\n");
	assert_int_equal(bench_event_parse(line, &back, NULL), 0);
	assert_int_equal(back.t_ns, ev.t_ns);
	assert_string_equal(back.msg.value, "41.5");
	assert_int_equal(bench_event_parse("5 EXIT 3\n", &back, NULL), 0);
	assert_int_equal(back.msg.status, 3);
	assert_int_equal(bench_event_parse("7 PHASE kernel_entry", &back, NULL), 0);
	assert_string_equal(back.msg.key, "kernel_entry");
	assert_int_equal(bench_event_parse("x READY", &back, NULL), -EPROTO);
	assert_int_equal(bench_event_parse("1 READY extra", &back, NULL), -EPROTO);
	assert_int_equal(bench_event_parse("1 EXIT 999", &back, NULL), -EPROTO);
	assert_int_equal(bench_event_parse("1 BOGUS", &back, NULL), -EPROTO);
	assert_int_equal(bench_event_parse("1 REPORT k v extra", &back, NULL), -EPROTO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_roundtrip),
		cmocka_unit_test(test_ready_and_exit),
		cmocka_unit_test(test_oversized_rejected),
		cmocka_unit_test(test_garbage_rejected_then_resync),
		cmocka_unit_test(test_encode_rejects_invalid),
		cmocka_unit_test(test_event_lines),
	};
	return cmocka_run_group_tests_name("port_wire", tests, NULL, NULL);
}
