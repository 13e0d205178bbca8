/* Host side of the bench port's fd transport: turns raw bytes read from a
 * workload's port descriptor into stamped, validated events.
 *
 * The reader owns no descriptor and never blocks: the caller reads (or lets
 * port_reader_read() read) whenever its poll/epoll loop says the port fd is
 * readable, and the reader runs every byte through bench_wire_feed(). Each
 * complete message is stamped with the host CLOCK_MONOTONIC time at which
 * its bytes were read and handed to the event callback. Malformed frames are
 * never trusted: they are counted, the first message of each run of bad
 * bytes goes to the reject callback, and the parser resyncs on the next
 * magic byte. The instance contract "exactly one EXIT, last" is enforced
 * here too: a second EXIT, or anything after EXIT, is rejected.
 *
 * Typical use (see bench/port/portcat.c):
 *
 *     struct port_reader r;
 *     int events_fd = 1;
 *     port_reader_init(&r, port_reader_forward, &events_fd, NULL, NULL);
 *     while ((n = port_reader_read(&r, port_fd, &err)) > 0 || n == -EAGAIN)
 *             poll(...);
 *     port_reader_finish(&r, &err);   // a truncated last frame is an error
 */
#ifndef ISO_PORT_READER_H
#define ISO_PORT_READER_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "port_wire.h"

/* Called once per valid message. Return 0, or a negative errno (with `err`
 * set) to make port_reader_feed()/port_reader_read() stop and return it. */
typedef int (*port_reader_event_fn)(void *ctx, const struct bench_event *ev, struct iso_err *err);

/* Called with the reason for a rejected frame (first of a run of bad
 * bytes); `why->msg` reads like "bench port: bad magic byte 0x67". */
typedef void (*port_reader_reject_fn)(void *ctx, const struct iso_err *why);

struct port_reader {
	struct bench_wire_parser parser;
	port_reader_event_fn on_event;
	void *event_ctx;
	port_reader_reject_fn on_reject; /* may be NULL */
	void *reject_ctx;
	unsigned long events;	     /* valid messages delivered */
	unsigned long rejected;	     /* malformed frames and stray bytes */
	struct iso_err first_reject; /* message of the first rejection */
	int in_garbage;		     /* inside a run of rejected bytes: stay quiet */
	int exit_status;	     /* -1 until EXIT arrived, then its status */
	int ready;		     /* READY arrived */
};

/* Set up `r`. `on_event` is required; `on_reject` may be NULL (rejections
 * are then only counted and the first one kept in r->first_reject). */
void port_reader_init(struct port_reader *r, port_reader_event_fn on_event, void *event_ctx,
		      port_reader_reject_fn on_reject, void *reject_ctx);

/* Feed `len` bytes that were read at host time `t_ns` (clock_mono_ns()).
 * Returns 0, or the first error returned by the event callback. Malformed
 * input is not an error of this call: it is rejected and counted. */
int port_reader_feed(struct port_reader *r, const uint8_t *buf, size_t len, uint64_t t_ns,
		     struct iso_err *err);

/* Read once from `fd` (normally non-blocking), stamp with clock_mono_ns()
 * taken right after the read, and feed. Returns the number of bytes read
 * (> 0), 0 at end of file, -EAGAIN when nothing is available, or another
 * negative errno (read failure, or an event callback error). */
long port_reader_read(struct port_reader *r, int fd, struct iso_err *err);

/* The stream has ended: returns -EPROTO if it stopped inside a frame (a
 * truncated message, also counted and reported as rejected), else 0. */
int port_reader_finish(struct port_reader *r, struct iso_err *err);

/* Ready-made event callback: writes each event as an event line
 * (bench_event_write) to the descriptor `*(int *)fd_ptr`. */
int port_reader_forward(void *fd_ptr, const struct bench_event *ev, struct iso_err *err);

#endif
