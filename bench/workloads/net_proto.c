/* bench-sink session header: encoding and validation. */
#include "net_proto.h"

#include <errno.h>
#include <string.h>

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void net_proto_encode(const struct net_hello *h, uint8_t buf[NET_PROTO_HELLO_BYTES])
{
	memset(buf, 0, NET_PROTO_HELLO_BYTES);
	put_be32(buf, NET_PROTO_MAGIC);
	buf[4] = NET_PROTO_VERSION;
	buf[5] = (uint8_t)h->mode;
	put_be32(buf + 8, h->duration_ms);
	put_be32(buf + 12, h->size);
}

int net_proto_decode(const uint8_t buf[NET_PROTO_HELLO_BYTES], struct net_hello *h,
		     struct iso_err *err)
{
	if (get_be32(buf) != NET_PROTO_MAGIC)
		return iso_err_input(err, -EPROTO, "session header: bad magic");
	if (buf[4] != NET_PROTO_VERSION)
		return iso_err_input(err, -EPROTO, "session header: unsupported version %u",
				     buf[4]);
	if (buf[5] < NET_MODE_TO_SINK || buf[5] > NET_MODE_RR)
		return iso_err_input(err, -EPROTO, "session header: unknown mode %u", buf[5]);
	if (buf[6] || buf[7])
		return iso_err_input(err, -EPROTO, "session header: reserved bytes set");
	h->mode = (enum net_proto_mode)buf[5];
	h->duration_ms = get_be32(buf + 8);
	h->size = get_be32(buf + 12);
	if (h->duration_ms == 0 || h->duration_ms > NET_PROTO_DURATION_MAX_MS)
		return iso_err_input(err, -EPROTO, "session header: duration %u ms out of range",
				     h->duration_ms);
	if ((h->mode == NET_MODE_RR) != (h->size > 0) || h->size > NET_PROTO_SIZE_MAX)
		return iso_err_input(err, -EPROTO, "session header: size %u invalid for mode %u",
				     h->size, buf[5]);
	return 0;
}
