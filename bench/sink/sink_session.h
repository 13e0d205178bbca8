/* One bench-sink session: read the header (net_proto.h), then serve the
 * chosen mode on the connection until the peer is done or the session's
 * bound (its duration plus NET_PROTO_GRACE_MS) is reached. */
#ifndef BENCH_SINK_SESSION_H
#define BENCH_SINK_SESSION_H

#include "err.h"

/* Serve the connected socket `fd` (not closed here). Returns 0 or a
 * negative errno; a peer that closes or resets at the end of its window is
 * the normal end, not an error. */
int sink_session_serve(int fd, struct iso_err *err);

#endif
