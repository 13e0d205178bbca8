/* virtio-net header checks and ring<->backend frame copies (§5.1.6). */
#include <endian.h>
#include <errno.h>
#include <string.h>

#include "virtio_net_frame.h"

size_t virtio_net_frame_hdr_len(uint64_t features)
{
	/* §5.1.6.1: the 12-byte header with VERSION_1 or MRG_RXBUF, else the
	 * legacy 10 bytes without num_buffers. */
	if (features & (VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF)))
		return VIRTIO_NET_HDR_LEN;
	return VIRTIO_NET_HDR_LEGACY_LEN;
}

/* §5.1.6.2 driver requirements, checked against what was negotiated. */
static int hdr_check(const struct virtio_net_hdr *h, uint64_t frame_len, uint64_t features,
		     struct iso_err *err)
{
	uint8_t gso = h->gso_type & (uint8_t)~VIRTIO_NET_HDR_GSO_ECN;
	uint64_t need = 0;

	if (h->flags & ~VIRTIO_NET_HDR_F_NEEDS_CSUM)
		return iso_err_input(err, -EINVAL, "tx header flags %#x", h->flags);
	if (h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
		if (!(features & VIRTIO_BIT(VIRTIO_NET_F_CSUM)))
			return iso_err_input(err, -EINVAL,
					     "tx NEEDS_CSUM without VIRTIO_NET_F_CSUM");
		/* The 16-bit checksum field lies inside the frame. */
		if ((uint64_t)le16toh(h->csum_start) + le16toh(h->csum_offset) + 2 > frame_len)
			return iso_err_input(err, -EINVAL,
					     "tx checksum at %u+%u outside a %llu-byte frame",
					     le16toh(h->csum_start), le16toh(h->csum_offset),
					     (unsigned long long)frame_len);
	}
	switch (gso) {
	case VIRTIO_NET_HDR_GSO_NONE:
		if (h->gso_type & VIRTIO_NET_HDR_GSO_ECN)
			return iso_err_input(err, -EINVAL, "tx ECN bit without a GSO type");
		return 0;
	case VIRTIO_NET_HDR_GSO_TCPV4:
		need = VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO4);
		break;
	case VIRTIO_NET_HDR_GSO_TCPV6:
		need = VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO6);
		break;
	case VIRTIO_NET_HDR_GSO_UDP:
		need = VIRTIO_BIT(VIRTIO_NET_F_HOST_UFO);
		break;
	default:
		return iso_err_input(err, -EINVAL, "tx GSO type %#x", h->gso_type);
	}
	if (h->gso_type & VIRTIO_NET_HDR_GSO_ECN)
		need |= VIRTIO_BIT(VIRTIO_NET_F_HOST_ECN);
	if ((features & need) != need)
		return iso_err_input(err, -EINVAL, "tx GSO type %#x not negotiated", h->gso_type);
	/* "If gso_type differs from NONE, the driver MUST also set NEEDS_CSUM"
	 * and a segment size. */
	if (!(h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) || le16toh(h->gso_size) == 0)
		return iso_err_input(err, -EINVAL, "tx GSO without NEEDS_CSUM or gso_size");
	return 0;
}

int virtio_net_frame_tx(const struct virtq_chain *c, size_t guest_hdr_len, uint64_t features,
			struct virtio_net_hdr *hdr, struct iovec *iov, struct iso_err *err)
{
	uint64_t frame_len, skip = guest_hdr_len;
	int n = 1, r;

	if (c->n_in)
		return iso_err_input(err, -EINVAL, "tx chain %u has writable descriptors", c->head);
	if (c->out_len < guest_hdr_len + VIRTIO_NET_ETH_HLEN)
		return iso_err_input(err, -EINVAL, "tx chain %u: %llu bytes, no header and frame",
				     c->head, (unsigned long long)c->out_len);
	frame_len = c->out_len - guest_hdr_len;
	if (frame_len > VIRTIO_NET_FRAME_MAX)
		return iso_err_input(err, -EMSGSIZE, "tx chain %u: %llu-byte frame", c->head,
				     (unsigned long long)frame_len);
	/* Copy the header out once: the guest may change it after we check. */
	memset(hdr, 0, sizeof(*hdr));
	virtq_chain_copy_from(c, 0, hdr, guest_hdr_len);
	hdr->num_buffers = 0;
	r = hdr_check(hdr, frame_len, features, err);
	if (r < 0)
		return r;

	iov[0].iov_base = hdr;
	iov[0].iov_len = sizeof(*hdr);
	for (unsigned int s = 0; s < c->n_out; s++) {
		size_t seg = c->iov[s].iov_len;

		if (skip >= seg) {
			skip -= seg;
			continue;
		}
		iov[n].iov_base = (uint8_t *)c->iov[s].iov_base + skip;
		iov[n].iov_len = seg - skip;
		skip = 0;
		n++;
	}
	return n;
}

/* Copy bytes [pos, pos+n) of the stream { hdr[hlen], payload[plen] } to
 * the start of chain c's writable segments. */
static void stream_to_chain(const struct virtq_chain *c, const void *hdr, size_t hlen,
			    const uint8_t *payload, size_t pos, size_t n)
{
	size_t done = 0;

	if (pos < hlen) {
		size_t k = hlen - pos < n ? hlen - pos : n;

		virtq_chain_copy_to(c, 0, (const uint8_t *)hdr + pos, k);
		done = k;
	}
	if (done < n)
		virtq_chain_copy_to(c, done, payload + (pos + done - hlen), n - done);
}

static int rx_chain_check(const struct virtq_chain *c, struct iso_err *err)
{
	if (c->n_out || c->in_len == 0)
		return iso_err_input(err, -EINVAL, "rx chain %u: %u readable, %llu writable bytes",
				     c->head, c->n_out, (unsigned long long)c->in_len);
	return 0;
}

int virtio_net_frame_rx(struct virtq *q, const struct guest_mem *mem, const uint8_t *frame,
			size_t len, size_t guest_hdr_len, bool mergeable,
			struct virtq_chain scratch[2], struct iso_err *err)
{
	struct virtq_chain *first = &scratch[0], *c = first;
	uint16_t heads[VIRTQ_SIZE_MAX];
	uint32_t lens[VIRTQ_SIZE_MAX];
	struct virtio_net_hdr hdr;
	const uint8_t *payload;
	size_t total, pos = 0;
	uint16_t nbufs = 0, nb_le;
	int r;

	if (len < VIRTIO_NET_HDR_LEN)
		return 1; /* not a frame: the backend contract says never */
	memcpy(&hdr, frame, sizeof(hdr));
	hdr.num_buffers = htole16(1);
	payload = frame + VIRTIO_NET_HDR_LEN;
	total = guest_hdr_len + (len - VIRTIO_NET_HDR_LEN);

	while (pos < total) {
		size_t n;

		/* Without mergeable buffers one chain holds the whole frame; a
		 * chain never exceeds the queue, so neither does nbufs. */
		if (nbufs == q->size || (!mergeable && nbufs == 1))
			break;
		r = virtq_pop(q, mem, c, err);
		if (r <= 0) {
			virtq_unpop(q, nbufs);
			return r;
		}
		r = rx_chain_check(c, err);
		if (r < 0)
			return r;
		n = c->in_len < total - pos ? (size_t)c->in_len : total - pos;
		stream_to_chain(c, &hdr, guest_hdr_len, payload, pos, n);
		heads[nbufs] = c->head;
		lens[nbufs] = (uint32_t)n;
		nbufs++;
		pos += n;
		c = &scratch[1];
	}
	if (pos < total) {
		/* Too big for what the driver posts: drop it, keep the buffers. */
		virtq_unpop(q, nbufs);
		return 1;
	}
	if (guest_hdr_len == VIRTIO_NET_HDR_LEN && nbufs > 1) {
		nb_le = htole16(nbufs);
		virtq_chain_copy_to(first, offsetof(struct virtio_net_hdr, num_buffers), &nb_le,
				    sizeof(nb_le));
	}
	for (uint16_t i = 0; i < nbufs; i++)
		virtq_push(q, heads[i], lens[i]);
	return 1;
}
