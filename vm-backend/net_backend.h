/* The virtio-net device's packet backend, kvmtool-style: a small ops
 * struct ({rx, tx}); tap.c is the one implementation.
 *
 * Frame contract: every frame, both ways, starts with a 12-byte struct
 * virtio_net_hdr (virtio_net_frame.h, num_buffers ignored), then the
 * Ethernet frame. */
#ifndef ISOVM_NET_BACKEND_H
#define ISOVM_NET_BACKEND_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/uio.h>

#include "err.h"

struct net_backend;

struct net_backend_ops {
	/* Send one frame gathered from `iov`. Returns bytes sent or a
	 * negative errno; never blocks. */
	ssize_t (*tx)(struct net_backend *be, const struct iovec *iov, int iovcnt);
	/* Receive one frame into `buf`. Returns its length, -EAGAIN when
	 * none is waiting, or another negative errno. Never blocks. */
	ssize_t (*rx)(struct net_backend *be, void *buf, size_t len);
	/* The offloads the guest accepts on rx, as negotiated virtio-net
	 * GUEST_* feature bits; 0 turns them all off. */
	int (*set_offloads)(struct net_backend *be, uint64_t guest_features, struct iso_err *err);
	/* Close and free. Idempotent on NULL. */
	void (*destroy)(struct net_backend *be);
};

struct net_backend {
	const struct net_backend_ops *ops;
	int fd; /* readable (edge: new frames) when rx has something */
};

#endif
