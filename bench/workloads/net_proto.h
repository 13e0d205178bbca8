/* The session header a net workload sends to bench-sink right after
 * connecting, choosing what the sink does on that connection.
 *
 * 16 bytes, big-endian:
 *   0  u32 magic 'ISOB'     4  u8 version (1)     5  u8 mode
 *   6  u16 reserved, 0      8  u32 duration_ms    12 u32 size
 * Modes: TO_SINK  the client streams, the sink reads until EOF;
 *        FROM_SINK the sink streams for duration_ms, then closes;
 *        RR        the sink echoes `size`-byte requests until EOF.
 * The sink bounds every session by duration_ms plus NET_PROTO_GRACE_MS. */
#ifndef BENCH_NET_PROTO_H
#define BENCH_NET_PROTO_H

#include <stdint.h>

#include "err.h"

#define NET_PROTO_MAGIC		  0x49534f42u /* "ISOB" */
#define NET_PROTO_VERSION	  1
#define NET_PROTO_HELLO_BYTES	  16
#define NET_PROTO_DURATION_MAX_MS (3600u * 1000u)
#define NET_PROTO_GRACE_MS	  5000u
#define NET_PROTO_SIZE_MAX	  65536u
/* Bulk transfer buffer: as large as iperf3's TCP default (128 KiB) or more,
 * so the tool makes no more system calls than the reference. */
#define NET_PROTO_BULK_BYTES (256u * 1024u)

enum net_proto_mode {
	NET_MODE_TO_SINK = 1,
	NET_MODE_FROM_SINK = 2,
	NET_MODE_RR = 3,
};

struct net_hello {
	enum net_proto_mode mode;
	uint32_t duration_ms;
	uint32_t size; /* RR request/response bytes; 0 otherwise */
};

void net_proto_encode(const struct net_hello *h, uint8_t buf[NET_PROTO_HELLO_BYTES]);

/* Returns 0, or -EPROTO naming the bad field. */
int net_proto_decode(const uint8_t buf[NET_PROTO_HELLO_BYTES], struct net_hello *h,
		     struct iso_err *err);

#endif
