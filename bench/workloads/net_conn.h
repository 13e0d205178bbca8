/* TCP plumbing shared by the net workloads and bench-sink: every blocking
 * call is bounded by a socket timeout, so no session can hang. */
#ifndef BENCH_NET_CONN_H
#define BENCH_NET_CONN_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "err.h"

/* How long a client keeps retrying a refused connection (the sink may
 * still be starting) and the bound of each blocking send/recv. */
#define NET_CONN_RETRY_MS      3000
#define NET_CONN_IO_TIMEOUT_MS 5000

/* Connect to `sa`, retrying ECONNREFUSED for NET_CONN_RETRY_MS. Returns the
 * socket (with send/recv timeouts set) or a negative errno. */
int net_conn_connect(const struct sockaddr_in *sa, struct iso_err *err);

/* Set SO_SNDTIMEO and SO_RCVTIMEO of `fd` to `ms`. */
int net_conn_timeouts(int fd, unsigned ms, struct iso_err *err);

/* Send/receive exactly `len` bytes. recv returns -ECONNRESET with a message
 * on a premature EOF; a timeout is -EAGAIN. */
int net_conn_send_all(int fd, const void *buf, size_t len, struct iso_err *err);
int net_conn_recv_all(int fd, void *buf, size_t len, struct iso_err *err);

#endif
