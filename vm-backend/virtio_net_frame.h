/* Frames between virtio-net rings and a net backend (virtio 1.x §5.1.6):
 * the virtio-net header checks and the rx/tx copies, as pure functions
 * over checked guest memory (no KVM; driven by unit tests and the fuzzer). */
#ifndef ISOVM_VIRTIO_NET_FRAME_H
#define ISOVM_VIRTIO_NET_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "err.h"
#include "virtqueue.h"

/* Feature bits (§5.1.3). */
#define VIRTIO_NET_F_CSUM	0
#define VIRTIO_NET_F_GUEST_CSUM 1
#define VIRTIO_NET_F_MAC	5
#define VIRTIO_NET_F_GUEST_TSO4 7
#define VIRTIO_NET_F_GUEST_TSO6 8
#define VIRTIO_NET_F_GUEST_ECN	9
#define VIRTIO_NET_F_HOST_TSO4	11
#define VIRTIO_NET_F_HOST_TSO6	12
#define VIRTIO_NET_F_HOST_ECN	13
#define VIRTIO_NET_F_HOST_UFO	14
#define VIRTIO_NET_F_MRG_RXBUF	15

/* Header flags and GSO types (§5.1.6). */
#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1
#define VIRTIO_NET_HDR_F_DATA_VALID 2
#define VIRTIO_NET_HDR_GSO_NONE	    0
#define VIRTIO_NET_HDR_GSO_TCPV4    1
#define VIRTIO_NET_HDR_GSO_UDP	    3
#define VIRTIO_NET_HDR_GSO_TCPV6    4
#define VIRTIO_NET_HDR_GSO_ECN	    0x80

/* struct virtio_net_hdr (§5.1.6), little-endian on the wire. The
 * backend's frames always start with all 12 bytes. */
struct virtio_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
};

#define VIRTIO_NET_HDR_LEN	  12 /* VERSION_1 or MRG_RXBUF */
#define VIRTIO_NET_HDR_LEGACY_LEN 10 /* legacy without MRG_RXBUF (§5.1.6.1) */
#define VIRTIO_NET_ETH_HLEN	  14
/* Largest frame either side may pass: a 64 KiB GSO packet plus Ethernet
 * and VLAN headers, as the tun driver bounds it. */
#define VIRTIO_NET_FRAME_MAX (65535 + VIRTIO_NET_ETH_HLEN + 4)

/* Header length the driver uses under the negotiated `features`. */
size_t virtio_net_frame_hdr_len(uint64_t features);

/* One tx chain: the first `guest_hdr_len` readable bytes are the driver's
 * header, the rest is the Ethernet frame. Checks the chain (readable
 * only, frame between ETH_HLEN and VIRTIO_NET_FRAME_MAX) and the header
 * against the negotiated `features` (flags, GSO type and size, checksum
 * offsets inside the frame), then fills `hdr` (num_buffers 0) and
 * `iov` = { hdr, frame segments } for the backend. Returns the iov count
 * or -EINVAL/-EMSGSIZE for a request the device must drop. `iov` holds
 * VIRTQ_SIZE_MAX + 1 entries. */
int virtio_net_frame_tx(const struct virtq_chain *c, size_t guest_hdr_len, uint64_t features,
			struct virtio_net_hdr *hdr, struct iovec *iov, struct iso_err *err);

/* Deliver one backend frame (`len` bytes: a 12-byte header, then the
 * packet) into the rx queue: one chain, or with `mergeable` as many as it
 * takes (num_buffers, §5.1.6.4). `scratch` is two chains of working space.
 * Returns 1 when the frame was consumed (delivered, or dropped because it
 * cannot fit one chain), 0 when the driver has not made enough buffers
 * available (nothing consumed; retry after a kick), or a negative errno
 * when the driver broke the ring (from virtq_pop, or -EINVAL for a
 * readable or empty rx buffer). */
int virtio_net_frame_rx(struct virtq *q, const struct guest_mem *mem, const uint8_t *frame,
			size_t len, size_t guest_hdr_len, bool mergeable,
			struct virtq_chain scratch[2], struct iso_err *err);

#endif
