/* Port reader: stamping, split reads, rejection of garbage and of EXIT
 * order violations, truncated streams, event-line forwarding. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "port_events.h"
#include "port_reader.h"

static void test_split_reads_stamped(void **state)
{
	static const struct bench_msg msgs[] = {
		{.type = BENCH_MSG_READY},
		{.type = BENCH_MSG_REPORT, .key = "rss_kib", .value = "65536"},
		{.type = BENCH_MSG_EXIT, .status = 3},
	};
	uint8_t buf[3 * BENCH_WIRE_FRAME_MAX];
	struct port_reader r;
	struct seen s = {0};
	size_t n = encode_msgs(buf, msgs, 3);

	(void)state;
	port_reader_init(&r, seen_record, &s, seen_reject, &s);
	/* Byte by byte, each read at its own time: a message is stamped when
	 * its last byte arrives. */
	for (size_t i = 0; i < n; i++)
		assert_int_equal(port_reader_feed(&r, buf + i, 1, 1000 + i, NULL), 0);
	assert_int_equal(port_reader_finish(&r, NULL), 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.rejects, 0);
	assert_int_equal(s.ev[0].msg.type, BENCH_MSG_READY);
	assert_int_equal(s.ev[0].t_ns, 1000 + 3);
	assert_string_equal(s.ev[1].msg.value, "65536");
	assert_int_equal(s.ev[2].t_ns, 1000 + n - 1);
	assert_true(r.ready);
	assert_int_equal(r.exit_status, 3);
}

static void test_garbage_one_message_then_resync(void **state)
{
	static const struct bench_msg ready = {.type = BENCH_MSG_READY};
	uint8_t buf[7 + BENCH_WIRE_FRAME_MAX];
	struct port_reader r;
	struct seen s = {0};
	size_t n;

	(void)state;
	memcpy(buf, "garbage", 7);
	n = 7 + encode_msgs(buf + 7, &ready, 1);
	port_reader_init(&r, seen_record, &s, seen_reject, &s);
	assert_int_equal(port_reader_feed(&r, buf, n, 1, NULL), 0);
	assert_int_equal(s.rejects, 1); /* one line for the whole run */
	assert_int_equal(r.rejected, 7);
	assert_non_null(strstr(s.reject_msg, "bad magic byte 0x67"));
	assert_int_equal(s.n, 1);
	assert_int_equal(s.ev[0].msg.type, BENCH_MSG_READY);
}

static void test_exit_must_be_last(void **state)
{
	static const struct bench_msg msgs[] = {
		{.type = BENCH_MSG_EXIT, .status = 0},
		{.type = BENCH_MSG_EXIT, .status = 1},
		{.type = BENCH_MSG_READY},
	};
	uint8_t buf[3 * BENCH_WIRE_FRAME_MAX];
	struct port_reader r;
	struct seen s = {0};
	size_t n = encode_msgs(buf, msgs, 3);

	(void)state;
	port_reader_init(&r, seen_record, &s, NULL, NULL);
	assert_int_equal(port_reader_feed(&r, buf, n, 1, NULL), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(r.exit_status, 0);
	assert_int_equal(r.rejected, 2);
	assert_non_null(strstr(r.first_reject.msg, "second EXIT"));
}

static void test_truncated_stream(void **state)
{
	static const struct bench_msg report = {
		.type = BENCH_MSG_REPORT, .key = "k", .value = "12345"};
	uint8_t buf[BENCH_WIRE_FRAME_MAX];
	struct port_reader r;
	struct seen s = {0};
	struct iso_err err = {0};
	size_t n = encode_msgs(buf, &report, 1);

	(void)state;
	port_reader_init(&r, seen_record, &s, seen_reject, &s);
	assert_int_equal(port_reader_feed(&r, buf, n - 2, 1, NULL), 0);
	assert_int_equal(port_reader_finish(&r, &err), -EPROTO);
	assert_non_null(strstr(err.msg, "stream ended inside a frame"));
	assert_int_equal(s.n, 0);
	assert_int_equal(s.rejects, 1);
}

static int fail_cb(void *ctx, const struct bench_event *ev, struct iso_err *err)
{
	(void)ctx;
	(void)ev;
	return iso_err_input(err, -ENOSPC, "consumer full");
}

static void test_callback_error_stops(void **state)
{
	static const struct bench_msg ready = {.type = BENCH_MSG_READY};
	uint8_t buf[BENCH_WIRE_FRAME_MAX];
	struct port_reader r;
	struct iso_err err = {0};
	size_t n = encode_msgs(buf, &ready, 1);

	(void)state;
	port_reader_init(&r, fail_cb, NULL, NULL, NULL);
	assert_int_equal(port_reader_feed(&r, buf, n, 1, &err), -ENOSPC);
	assert_string_equal(err.msg, "consumer full");
}

static void test_read_and_forward(void **state)
{
	static const struct bench_msg msgs[] = {
		{.type = BENCH_MSG_REPORT, .key = "ns_per_call", .value = "41.5"},
		{.type = BENCH_MSG_EXIT, .status = 7},
	};
	uint8_t buf[2 * BENCH_WIRE_FRAME_MAX];
	int port[2], events[2];
	struct port_reader r;
	char line[256];
	ssize_t got;
	size_t n = encode_msgs(buf, msgs, 2);

	(void)state;
	assert_int_equal(pipe(port), 0);
	assert_int_equal(pipe(events), 0);
	assert_int_equal(write(port[1], buf, n), (ssize_t)n);
	close(port[1]);
	port_reader_init(&r, port_reader_forward, &events[1], NULL, NULL);
	assert_int_equal(port_reader_read(&r, port[0], NULL), (long)n);
	assert_int_equal(port_reader_read(&r, port[0], NULL), 0);
	close(events[1]);
	got = read(events[0], line, sizeof(line) - 1);
	assert_true(got > 0);
	line[got] = '\0';
	assert_non_null(strstr(line, " REPORT ns_per_call 41.5\n"));
	assert_non_null(strstr(line, " EXIT 7\n"));
	close(port[0]);
	close(events[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_reads_stamped),
		cmocka_unit_test(test_garbage_one_message_then_resync),
		cmocka_unit_test(test_exit_must_be_last),
		cmocka_unit_test(test_truncated_stream),
		cmocka_unit_test(test_callback_error_stops),
		cmocka_unit_test(test_read_and_forward),
	};
	return cmocka_run_group_tests_name("port_reader", tests, NULL, NULL);
}
