/* Bench port reader: raw fd bytes -> stamped, validated events. */
#include "port_reader.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"

void port_reader_init(struct port_reader *r, port_reader_event_fn on_event, void *event_ctx,
		      port_reader_reject_fn on_reject, void *reject_ctx)
{
	memset(r, 0, sizeof(*r));
	bench_wire_parser_init(&r->parser);
	r->on_event = on_event;
	r->event_ctx = event_ctx;
	r->on_reject = on_reject;
	r->reject_ctx = reject_ctx;
	r->exit_status = -1;
}

/* Count a rejection; report only the first of a run of bad bytes, so a
 * burst of garbage gives one line, not one per byte. */
static void reader_reject(struct port_reader *r, const struct iso_err *why)
{
	r->rejected++;
	if (r->rejected == 1)
		r->first_reject = *why;
	if (r->in_garbage)
		return;
	r->in_garbage = 1;
	if (r->on_reject)
		r->on_reject(r->reject_ctx, why);
}

/* Enforce the instance contract: one EXIT, and nothing after it. */
static int reader_check_order(struct port_reader *r, const struct bench_msg *msg,
			      struct iso_err *why)
{
	if (r->exit_status >= 0)
		return iso_err_input(why, -EPROTO, "bench port: %s message after EXIT",
				     msg->type == BENCH_MSG_EXIT ? "second EXIT" : "a");
	if (msg->type == BENCH_MSG_EXIT)
		r->exit_status = msg->status;
	else if (msg->type == BENCH_MSG_READY)
		r->ready = 1;
	return 0;
}

int port_reader_feed(struct port_reader *r, const uint8_t *buf, size_t len, uint64_t t_ns,
		     struct iso_err *err)
{
	struct bench_event ev = {.t_ns = t_ns};
	struct iso_err why = {0};

	for (size_t i = 0; i < len; i++) {
		int n = bench_wire_feed(&r->parser, buf[i], &ev.msg, &why);
		if (n < 0) {
			reader_reject(r, &why);
			continue;
		}
		if (n == 0)
			continue;
		if (reader_check_order(r, &ev.msg, &why) < 0) {
			reader_reject(r, &why);
			continue;
		}
		r->in_garbage = 0;
		r->events++;
		n = r->on_event(r->event_ctx, &ev, err);
		if (n < 0)
			return n;
	}
	return 0;
}

long port_reader_read(struct port_reader *r, int fd, struct iso_err *err)
{
	uint8_t buf[4096];
	ssize_t n;
	int ret;

	do {
		n = read(fd, buf, sizeof(buf));
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return -EAGAIN;
		return iso_err_set(err, -errno, "bench port: read fd %d", fd);
	}
	ret = port_reader_feed(r, buf, (size_t)n, clock_mono_ns(), err);
	if (ret < 0)
		return ret;
	return (long)n;
}

int port_reader_finish(struct port_reader *r, struct iso_err *err)
{
	struct iso_err why = {0};
	size_t left = r->parser.len;

	if (left == 0)
		return 0;
	bench_wire_parser_init(&r->parser);
	r->in_garbage = 0;
	iso_err_input(&why, -EPROTO, "bench port: stream ended inside a frame (%zu bytes)", left);
	reader_reject(r, &why);
	return iso_err_input(err, -EPROTO, "%s", why.msg);
}

int port_reader_forward(void *fd_ptr, const struct bench_event *ev, struct iso_err *err)
{
	return bench_event_write(*(int *)fd_ptr, ev, err);
}
