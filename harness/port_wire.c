/* Bench port wire format: frame encoder, streaming decoder, event lines. */
#include "port_wire.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int bench_wire_key_valid(const char *key, size_t len)
{
	if (len == 0 || len > BENCH_WIRE_KEY_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		char c = key[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '.' || c == '-'))
			return 0;
	}
	return 1;
}

int bench_wire_value_valid(const char *value, size_t len)
{
	if (len == 0 || len > BENCH_WIRE_VALUE_MAX)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)value[i];
		if (c <= ' ' || c >= 0x7f || c == '=')
			return 0;
	}
	return 1;
}

/* Parse a decimal exit status 0..255 from exactly `len` bytes. */
static int parse_status(const char *s, size_t len, int *status)
{
	int v = 0;

	if (len == 0 || len > 3)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v > 255)
		return -1;
	*status = v;
	return 0;
}

int bench_wire_encode(const struct bench_msg *msg, uint8_t *buf, size_t cap, struct iso_err *err)
{
	char payload[BENCH_WIRE_PAYLOAD_MAX + 1];
	size_t klen, vlen;
	int n = 0;

	switch (msg->type) {
	case BENCH_MSG_READY:
		break;
	case BENCH_MSG_REPORT:
		klen = strnlen(msg->key, sizeof(msg->key));
		vlen = strnlen(msg->value, sizeof(msg->value));
		if (!bench_wire_key_valid(msg->key, klen))
			return iso_err_input(err, -EINVAL, "bench port: invalid report key '%.*s'",
					     (int)klen, msg->key);
		if (!bench_wire_value_valid(msg->value, vlen))
			return iso_err_input(err, -EINVAL, "bench port: invalid value for key '%s'",
					     msg->key);
		n = snprintf(payload, sizeof(payload), "%s=%s", msg->key, msg->value);
		break;
	case BENCH_MSG_EXIT:
		if (msg->status < 0 || msg->status > 255)
			return iso_err_input(err, -EINVAL,
					     "bench port: exit status %d out of range",
					     msg->status);
		n = snprintf(payload, sizeof(payload), "%d", msg->status);
		break;
	default:
		return iso_err_input(err, -EINVAL, "bench port: message type %d has no frame",
				     (int)msg->type);
	}
	if ((size_t)n + BENCH_WIRE_HEADER > cap)
		return iso_err_input(err, -EMSGSIZE, "bench port: frame of %d bytes does not fit",
				     n + BENCH_WIRE_HEADER);
	buf[0] = BENCH_WIRE_MAGIC;
	buf[1] = BENCH_WIRE_VERSION;
	buf[2] = (uint8_t)msg->type;
	buf[3] = (uint8_t)n;
	memcpy(buf + BENCH_WIRE_HEADER, payload, (size_t)n);
	return n + BENCH_WIRE_HEADER;
}

void bench_wire_parser_init(struct bench_wire_parser *p)
{
	p->len = 0;
}

static int frame_decode(const uint8_t *f, size_t len, struct bench_msg *out, struct iso_err *err)
{
	const char *payload = (const char *)f + BENCH_WIRE_HEADER;
	size_t plen = len - BENCH_WIRE_HEADER;
	const char *eq;

	memset(out, 0, sizeof(*out));
	out->type = (enum bench_msg_type)f[2];
	switch (f[2]) {
	case BENCH_MSG_READY:
		if (plen != 0)
			return iso_err_input(err, -EPROTO, "bench port: READY with payload");
		return 1;
	case BENCH_MSG_REPORT:
		eq = memchr(payload, '=', plen);
		if (!eq || !bench_wire_key_valid(payload, (size_t)(eq - payload)) ||
		    !bench_wire_value_valid(eq + 1, plen - (size_t)(eq - payload) - 1))
			return iso_err_input(err, -EPROTO, "bench port: malformed REPORT payload");
		memcpy(out->key, payload, (size_t)(eq - payload));
		memcpy(out->value, eq + 1, plen - (size_t)(eq - payload) - 1);
		return 1;
	case BENCH_MSG_EXIT:
		if (parse_status(payload, plen, &out->status) < 0)
			return iso_err_input(err, -EPROTO, "bench port: malformed EXIT status");
		return 1;
	default:
		return iso_err_input(err, -EPROTO, "bench port: unknown message type %u", f[2]);
	}
}

int bench_wire_feed(struct bench_wire_parser *p, uint8_t byte, struct bench_msg *out,
		    struct iso_err *err)
{
	int r;

	if (p->len == 0 && byte != BENCH_WIRE_MAGIC)
		return iso_err_input(err, -EPROTO, "bench port: bad magic byte 0x%02x", byte);
	p->frame[p->len++] = byte;
	if (p->len == 2 && byte != BENCH_WIRE_VERSION) {
		p->len = 0;
		return iso_err_input(err, -EPROTO, "bench port: unsupported version %u", byte);
	}
	if (p->len == 4 && byte > BENCH_WIRE_PAYLOAD_MAX) {
		p->len = 0;
		return iso_err_input(err, -EMSGSIZE, "bench port: payload of %u bytes exceeds %d",
				     byte, BENCH_WIRE_PAYLOAD_MAX);
	}
	if (p->len < BENCH_WIRE_HEADER || p->len < BENCH_WIRE_HEADER + (size_t)p->frame[3])
		return 0;
	r = frame_decode(p->frame, p->len, out, err);
	p->len = 0;
	return r;
}

int bench_event_format(const struct bench_event *ev, char *buf, size_t cap)
{
	const struct bench_msg *m = &ev->msg;
	int n;

	switch (m->type) {
	case BENCH_MSG_READY:
		n = snprintf(buf, cap, "%" PRIu64 " READY\n", ev->t_ns);
		break;
	case BENCH_MSG_REPORT:
		n = snprintf(buf, cap, "%" PRIu64 " REPORT %s %s\n", ev->t_ns, m->key, m->value);
		break;
	case BENCH_MSG_EXIT:
		n = snprintf(buf, cap, "%" PRIu64 " EXIT %d\n", ev->t_ns, m->status);
		break;
	case BENCH_MSG_PHASE:
		n = snprintf(buf, cap, "%" PRIu64 " PHASE %s\n", ev->t_ns, m->key);
		break;
	default:
		return -EINVAL;
	}
	if (n < 0 || (size_t)n >= cap)
		return -EMSGSIZE;
	return n;
}

int bench_event_write(int fd, const struct bench_event *ev, struct iso_err *err)
{
	char line[256];
	int n = bench_event_format(ev, line, sizeof(line));
	ssize_t w;

	if (n < 0)
		return iso_err_input(err, n, "event: cannot format message type %d",
				     (int)ev->msg.type);
	do {
		w = write(fd, line, (size_t)n);
	} while (w < 0 && errno == EINTR);
	if (w < 0)
		return iso_err_set(err, -errno, "event: write to fd %d", fd);
	if (w != n)
		return iso_err_input(err, -EIO, "event: short write to fd %d", fd);
	return 0;
}

int bench_event_parse(const char *line, struct bench_event *ev, struct iso_err *err)
{
	char kind[16], a[BENCH_WIRE_VALUE_MAX + 2], b[BENCH_WIRE_VALUE_MAX + 2], extra[2];
	unsigned long long t;
	int n;

	memset(ev, 0, sizeof(*ev));
	n = sscanf(line, "%llu %15s %72s %72s %1s", &t, kind, a, b, extra);
	if (n < 2)
		return iso_err_input(err, -EPROTO, "event: malformed line");
	ev->t_ns = t;
	if (!strcmp(kind, "READY") && n == 2) {
		ev->msg.type = BENCH_MSG_READY;
	} else if (!strcmp(kind, "REPORT") && n == 4 && bench_wire_key_valid(a, strlen(a)) &&
		   bench_wire_value_valid(b, strlen(b))) {
		ev->msg.type = BENCH_MSG_REPORT;
		strcpy(ev->msg.key, a);
		strcpy(ev->msg.value, b);
	} else if (!strcmp(kind, "EXIT") && n == 3 &&
		   parse_status(a, strlen(a), &ev->msg.status) == 0) {
		ev->msg.type = BENCH_MSG_EXIT;
	} else if (!strcmp(kind, "PHASE") && n == 3 && bench_wire_key_valid(a, strlen(a))) {
		ev->msg.type = BENCH_MSG_PHASE;
		strcpy(ev->msg.key, a);
	} else {
		return iso_err_input(err, -EPROTO, "event: malformed %s line", kind);
	}
	return 0;
}
