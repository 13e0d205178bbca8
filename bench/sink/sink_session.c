/* bench-sink session modes: swallow a stream, produce one, echo requests. */
#include "sink_session.h"

#include <errno.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "cleanup.h"
#include "clock.h"
#include "net_conn.h"
#include "net_proto.h"

#define NS_PER_MS 1000000ull

/* The peer ending a stream by closing or resetting is how sessions end. */
static int peer_gone(int e)
{
	return e == EPIPE || e == ECONNRESET;
}

static int swallow(int fd, uint8_t *buf, uint64_t end_ns, struct iso_err *err)
{
	while (clock_mono_ns() < end_ns) {
		ssize_t n = recv(fd, buf, NET_PROTO_BULK_BYTES, 0);
		if (n == 0 || (n < 0 && peer_gone(errno)))
			return 0;
		if (n < 0 && errno != EINTR)
			return iso_err_set(err, -errno, "recv stream");
	}
	return 0;
}

static int produce(int fd, uint8_t *buf, uint64_t stop_ns, struct iso_err *err)
{
	while (clock_mono_ns() < stop_ns) {
		ssize_t n = send(fd, buf, NET_PROTO_BULK_BYTES, MSG_NOSIGNAL);
		if (n < 0 && peer_gone(errno))
			return 0;
		if (n < 0 && errno != EINTR)
			return iso_err_set(err, -errno, "send stream");
	}
	shutdown(fd, SHUT_WR);
	return 0;
}

static int echo(int fd, uint8_t *buf, uint32_t size, uint64_t end_ns, struct iso_err *err)
{
	struct iso_err ignored = {0};
	int one = 1;

	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0)
		return iso_err_set(err, -errno, "TCP_NODELAY");
	while (clock_mono_ns() < end_ns) {
		/* A short read here is the client's end of session. */
		if (net_conn_recv_all(fd, buf, size, &ignored) < 0)
			return 0;
		if (net_conn_send_all(fd, buf, size, err) < 0)
			return peer_gone(-err->code) ? 0 : err->code;
	}
	return 0;
}

int sink_session_serve(int fd, struct iso_err *err)
{
	cleanup_free uint8_t *buf = calloc(1, NET_PROTO_BULK_BYTES);
	uint8_t hello[NET_PROTO_HELLO_BYTES];
	struct net_hello h;
	uint64_t start;
	int r;

	if (!buf)
		return iso_err_set(err, -ENOMEM, "session buffer");
	r = net_conn_timeouts(fd, NET_CONN_IO_TIMEOUT_MS, err);
	if (r < 0)
		return r;
	r = net_conn_recv_all(fd, hello, sizeof(hello), err);
	if (r < 0)
		return iso_err_wrap(err, "session header");
	r = net_proto_decode(hello, &h, err);
	if (r < 0)
		return r;
	start = clock_mono_ns();
	switch (h.mode) {
	case NET_MODE_TO_SINK:
		return swallow(fd, buf, start + (h.duration_ms + NET_PROTO_GRACE_MS) * NS_PER_MS,
			       err);
	case NET_MODE_FROM_SINK:
		return produce(fd, buf, start + h.duration_ms * NS_PER_MS, err);
	case NET_MODE_RR:
		return echo(fd, buf, h.size,
			    start + (h.duration_ms + NET_PROTO_GRACE_MS) * NS_PER_MS, err);
	}
	return iso_err_input(err, -EPROTO, "session: mode %d", (int)h.mode);
}
