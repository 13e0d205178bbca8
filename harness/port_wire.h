/* The bench port: the wire format a workload speaks to its backend, and
 * the event lines a backend forwards to the harness.
 *
 * Frame (workload -> backend), version 1, all fields single bytes:
 *
 *   offset 0  magic    'B' (0x42)
 *   offset 1  version  1
 *   offset 2  type     1 READY, 2 REPORT, 3 EXIT
 *   offset 3  length   payload bytes, <= BENCH_WIRE_PAYLOAD_MAX
 *   offset 4  payload  READY: empty
 *                      REPORT: "key=value"; key [A-Za-z0-9_.-]{1,47},
 *                              value printable ASCII without space or '=',
 *                              1..71 bytes
 *                      EXIT: decimal exit status, 0..255
 *
 * Transports: inside a VM, bytes written to I/O port BENCH_PORT_IO (one
 * `rep outsb` per frame, so one VM exit per message); in a container or
 * natively, one write() per frame to an inherited descriptor. The
 * transport is named by the environment variable BENCH_PORT: "fd:N" or
 * "io". The receiving side never trusts a frame: bad magic, version, type,
 * length or characters are rejected with a message and the parser resyncs.
 *
 * Exactly one EXIT is sent per instance, by its init (PID 1), carrying the
 * workload's exit status (128+signal when killed).
 *
 * Event line (backend -> harness, on the backend's --events-fd), text:
 *
 *   <t_ns> READY
 *   <t_ns> REPORT <key> <value>
 *   <t_ns> EXIT <status>
 *   <t_ns> PHASE <name>        a backend-known startup phase
 *
 * t_ns is the host CLOCK_MONOTONIC at the moment the backend received the
 * message (or reached the phase). */
#ifndef BENCH_PORT_WIRE_H
#define BENCH_PORT_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define BENCH_WIRE_MAGIC       0x42
#define BENCH_WIRE_VERSION     1
#define BENCH_WIRE_HEADER      4
#define BENCH_WIRE_PAYLOAD_MAX 120
#define BENCH_WIRE_FRAME_MAX   (BENCH_WIRE_HEADER + BENCH_WIRE_PAYLOAD_MAX)
#define BENCH_WIRE_KEY_MAX     47
#define BENCH_WIRE_VALUE_MAX   71

/* x86 I/O port trapped by isovm; nothing on the PC platform decodes it. */
#define BENCH_PORT_IO 0x0b00

#define BENCH_PORT_ENV "BENCH_PORT"

enum bench_msg_type {
	BENCH_MSG_READY = 1,
	BENCH_MSG_REPORT = 2,
	BENCH_MSG_EXIT = 3,
	BENCH_MSG_PHASE = 4, /* event lines only; never on the wire */
};

struct bench_msg {
	enum bench_msg_type type;
	char key[BENCH_WIRE_KEY_MAX + 1];     /* REPORT key, PHASE name */
	char value[BENCH_WIRE_VALUE_MAX + 1]; /* REPORT value */
	int status;			      /* EXIT status */
};

/* A message stamped by the backend. */
struct bench_event {
	uint64_t t_ns;
	struct bench_msg msg;
};

/* Encode `msg` into `buf` (capacity `cap`). Returns the frame length, or
 * -EINVAL for an invalid message, -EMSGSIZE when it does not fit. */
int bench_wire_encode(const struct bench_msg *msg, uint8_t *buf, size_t cap, struct iso_err *err);

/* Streaming decoder for either transport. */
struct bench_wire_parser {
	uint8_t frame[BENCH_WIRE_FRAME_MAX];
	size_t len;
};

void bench_wire_parser_init(struct bench_wire_parser *p);

/* Feed one byte. Returns 1 and fills `out` when a valid frame completes,
 * 0 when more bytes are needed, or a negative errno (-EPROTO, -EMSGSIZE)
 * with a message when the frame is malformed; the parser has then
 * discarded it and waits for the next magic byte. */
int bench_wire_feed(struct bench_wire_parser *p, uint8_t byte, struct bench_msg *out,
		    struct iso_err *err);

/* Format an event line, newline included, into `buf`. Returns the length
 * or -EMSGSIZE. */
int bench_event_format(const struct bench_event *ev, char *buf, size_t cap);

/* Write one event line to `fd` with a single write(). */
int bench_event_write(int fd, const struct bench_event *ev, struct iso_err *err);

/* Parse one event line (trailing newline optional). Returns 0 or -EPROTO. */
int bench_event_parse(const char *line, struct bench_event *ev, struct iso_err *err);

/* Validity checks shared by encoder, decoder and event parser. */
int bench_wire_key_valid(const char *key, size_t len);
int bench_wire_value_valid(const char *value, size_t len);

#endif
