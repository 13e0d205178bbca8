/* Test helpers for the bench port: an event callback that records what a
 * port reader delivers, and an encoder for a list of messages. Include
 * after <cmocka.h>. */
#ifndef TEST_PORT_EVENTS_H
#define TEST_PORT_EVENTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "port_reader.h"

#define SEEN_MAX 8

/* What the reader delivered: the first SEEN_MAX events, how many in all,
 * and the rejects (the first one's message) when seen_reject is set. */
struct seen {
	struct bench_event ev[SEEN_MAX];
	int n;
	int rejects;
	char reject_msg[ISO_ERR_MSG_MAX];
};

static inline int seen_record(void *ctx, const struct bench_event *ev, struct iso_err *err)
{
	struct seen *s = ctx;

	(void)err;
	if (s->n < SEEN_MAX)
		s->ev[s->n] = *ev;
	s->n++;
	return 0;
}

static inline void seen_reject(void *ctx, const struct iso_err *why)
{
	struct seen *s = ctx;

	if (s->rejects++ == 0)
		snprintf(s->reject_msg, sizeof(s->reject_msg), "%s", why->msg);
}

/* Encode msgs[0..n) back to back into buf (room for n frames); returns
 * the bytes written. */
static inline size_t encode_msgs(uint8_t *buf, const struct bench_msg *msgs, size_t n)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		int k = bench_wire_encode(&msgs[i], buf + len, BENCH_WIRE_FRAME_MAX, NULL);

		assert_true(k > 0);
		len += (size_t)k;
	}
	return len;
}

#endif
