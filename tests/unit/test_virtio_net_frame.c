/* virtio-net frames between rings and backend: tx header checks against
 * negotiated features, header split across descriptors, rx into one chain
 * or mergeable buffers (num_buffers), no room, too big, wrong direction. */
#include <endian.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "virtio_net_frame.h"
#include "virtq_ring.h"

#define TSO_FEATURES                                                                               \
	(VIRTIO_BIT(VIRTIO_F_VERSION_1) | VIRTIO_BIT(VIRTIO_NET_F_CSUM) |                          \
	 VIRTIO_BIT(VIRTIO_NET_F_HOST_TSO4))

struct fixture { /* mem first: ring_teardown() */
	struct guest_mem mem;
	struct virtq q;
	struct virtq_chain c[2];
	struct virtio_net_hdr hdr;
	struct iovec iov[VIRTQ_SIZE_MAX + 1];
	uint8_t frame[VIRTIO_NET_HDR_LEN + 100];
	struct iso_err err;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	ring_setup(&f->mem, &f->q);
	/* A backend frame: header asking nothing, then 100 bytes 0..99. */
	for (unsigned int i = 0; i < 100; i++)
		f->frame[VIRTIO_NET_HDR_LEN + i] = (uint8_t)i;
	*state = f;
	return 0;
}

/* Put a tx request (header + 60-byte frame) in guest memory as two
 * descriptors, split inside the header, and pop it. */
static void pop_tx(struct fixture *f, const struct virtio_net_hdr *h, uint16_t flags2)
{
	uint8_t *buf = f->mem.host + BUFFER_GPA;

	memcpy(buf, h, sizeof(*h));
	memset(buf + sizeof(*h), 0xab, 60);
	ring_set_desc(&f->mem, 0, BUFFER_GPA, 5, VIRTQ_DESC_F_NEXT, 1);
	ring_set_desc(&f->mem, 1, BUFFER_GPA + 5, sizeof(*h) - 5 + 60, flags2, 0);
	ring_offer(&f->mem, 0);
	assert_int_equal(virtq_pop(&f->q, &f->mem, &f->c[0], &f->err), 1);
}

static void test_hdr_len(void **state)
{
	(void)state;
	assert_int_equal(virtio_net_frame_hdr_len(VIRTIO_BIT(VIRTIO_F_VERSION_1)), 12);
	assert_int_equal(virtio_net_frame_hdr_len(VIRTIO_BIT(VIRTIO_NET_F_MRG_RXBUF)), 12);
	assert_int_equal(virtio_net_frame_hdr_len(0), 10);
}

static void test_tx_split_header(void **state)
{
	struct fixture *f = *state;
	struct virtio_net_hdr h = {.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
				   .gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
				   .gso_size = htole16(1448),
				   .csum_start = htole16(34),
				   .csum_offset = htole16(16),
				   .num_buffers = htole16(7)};
	int n;

	pop_tx(f, &h, 0);
	n = virtio_net_frame_tx(&f->c[0], 12, TSO_FEATURES, &f->hdr, f->iov, &f->err);
	assert_int_equal(n, 2);
	assert_ptr_equal(f->iov[0].iov_base, &f->hdr);
	assert_int_equal(f->iov[0].iov_len, 12);
	assert_ptr_equal(f->iov[1].iov_base, f->mem.host + BUFFER_GPA + 12);
	assert_int_equal(f->iov[1].iov_len, 60);
	assert_int_equal(f->hdr.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	assert_int_equal(le16toh(f->hdr.gso_size), 1448);
	assert_int_equal(f->hdr.num_buffers, 0); /* never passed on */
}

static void test_tx_legacy_header(void **state)
{
	struct fixture *f = *state;
	struct virtio_net_hdr h = {0};
	int n;

	pop_tx(f, &h, 0);
	/* Legacy 10-byte header: the frame starts 2 bytes earlier. */
	n = virtio_net_frame_tx(&f->c[0], 10, 0, &f->hdr, f->iov, &f->err);
	assert_int_equal(n, 2);
	assert_int_equal(f->iov[1].iov_len, 62);
}

static void test_tx_gso_not_negotiated(void **state)
{
	struct fixture *f = *state;
	struct virtio_net_hdr h = {.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
				   .gso_type = VIRTIO_NET_HDR_GSO_TCPV6,
				   .gso_size = htole16(1400),
				   .csum_start = htole16(54),
				   .csum_offset = htole16(6)};

	pop_tx(f, &h, 0);
	assert_int_equal(virtio_net_frame_tx(&f->c[0], 12, TSO_FEATURES, &f->hdr, f->iov, &f->err),
			 -EINVAL);
}

static void test_tx_bad_headers(void **state)
{
	struct fixture *f = *state;
	const struct virtio_net_hdr bad[] = {
		/* checksum field past the end of the 60-byte frame */
		{.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		 .csum_start = htole16(50),
		 .csum_offset = htole16(9)},
		/* csum_start + csum_offset would wrap 16 bits */
		{.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		 .csum_start = htole16(0xffff),
		 .csum_offset = htole16(0xffff)},
		/* DATA_VALID is for rx only */
		{.flags = VIRTIO_NET_HDR_F_DATA_VALID},
		/* GSO without NEEDS_CSUM */
		{.gso_type = VIRTIO_NET_HDR_GSO_TCPV4, .gso_size = htole16(1000)},
		/* GSO with a zero segment size */
		{.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		 .gso_type = VIRTIO_NET_HDR_GSO_TCPV4,
		 .csum_offset = htole16(16)},
		/* ECN without HOST_ECN, unknown type */
		{.gso_type = VIRTIO_NET_HDR_GSO_ECN},
		{.gso_type = 0x42},
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pop_tx(f, &bad[i], 0);
		assert_int_equal(
			virtio_net_frame_tx(&f->c[0], 12, TSO_FEATURES, &f->hdr, f->iov, &f->err),
			-EINVAL);
	}
}

static void test_tx_needs_csum_without_feature(void **state)
{
	struct fixture *f = *state;
	struct virtio_net_hdr h = {.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
				   .csum_start = htole16(34),
				   .csum_offset = htole16(16)};

	pop_tx(f, &h, 0);
	assert_int_equal(virtio_net_frame_tx(&f->c[0], 12, VIRTIO_BIT(VIRTIO_F_VERSION_1), &f->hdr,
					     f->iov, &f->err),
			 -EINVAL);
}

static void test_tx_wrong_direction_and_short(void **state)
{
	struct fixture *f = *state;
	struct virtio_net_hdr h = {0};

	/* A writable descriptor in a tx chain. */
	pop_tx(f, &h, VIRTQ_DESC_F_WRITE);
	assert_int_equal(virtio_net_frame_tx(&f->c[0], 12, 0, &f->hdr, f->iov, &f->err), -EINVAL);
	/* Header but no Ethernet header. */
	ring_set_desc(&f->mem, 2, BUFFER_GPA, 12 + 13, 0, 0);
	ring_offer(&f->mem, 2);
	assert_int_equal(virtq_pop(&f->q, &f->mem, &f->c[0], &f->err), 1);
	assert_int_equal(virtio_net_frame_tx(&f->c[0], 12, 0, &f->hdr, f->iov, &f->err), -EINVAL);
}

static void test_tx_oversized(void **state)
{
	struct fixture *f = *state;

	ring_set_desc(&f->mem, 0, BUFFER_GPA, 12 + VIRTIO_NET_FRAME_MAX + 1, 0, 0);
	ring_offer(&f->mem, 0);
	assert_int_equal(virtq_pop(&f->q, &f->mem, &f->c[0], &f->err), 1);
	assert_int_equal(virtio_net_frame_tx(&f->c[0], 12, 0, &f->hdr, f->iov, &f->err), -EMSGSIZE);
}

static void test_rx_one_chain(void **state)
{
	struct fixture *f = *state;
	uint8_t *buf = f->mem.host + BUFFER_GPA;
	struct virtio_net_hdr got;

	f->frame[0] = VIRTIO_NET_HDR_F_DATA_VALID;
	ring_set_desc(&f->mem, 3, BUFFER_GPA, 2048, VIRTQ_DESC_F_WRITE, 0);
	ring_offer(&f->mem, 3);
	assert_int_equal(virtio_net_frame_rx(&f->q, &f->mem, f->frame, sizeof(f->frame), 12, false,
					     f->c, &f->err),
			 1);
	assert_int_equal(ring_used(&f->mem)->idx, 1);
	assert_int_equal(ring_used(&f->mem)->ring[0].id, 3);
	assert_int_equal(ring_used(&f->mem)->ring[0].len, 112);
	memcpy(&got, buf, sizeof(got));
	assert_int_equal(got.flags, VIRTIO_NET_HDR_F_DATA_VALID);
	assert_int_equal(le16toh(got.num_buffers), 1);
	assert_memory_equal(buf + 12, f->frame + 12, 100);
}

static void test_rx_legacy_header(void **state)
{
	struct fixture *f = *state;
	uint8_t *buf = f->mem.host + BUFFER_GPA;

	ring_set_desc(&f->mem, 0, BUFFER_GPA, 2048, VIRTQ_DESC_F_WRITE, 0);
	ring_offer(&f->mem, 0);
	assert_int_equal(virtio_net_frame_rx(&f->q, &f->mem, f->frame, sizeof(f->frame), 10, false,
					     f->c, &f->err),
			 1);
	assert_int_equal(ring_used(&f->mem)->ring[0].len, 110);
	assert_memory_equal(buf + 10, f->frame + 12, 100);
}

/* 112 bytes over buffers of 40 + 40 + 40: num_buffers = 3 in the first. */
static void test_rx_mergeable(void **state)
{
	struct fixture *f = *state;
	uint8_t *buf = f->mem.host + BUFFER_GPA;
	struct virtio_net_hdr got;

	for (uint16_t i = 0; i < 3; i++) {
		ring_set_desc(&f->mem, i, BUFFER_GPA + 100 * i, 40, VIRTQ_DESC_F_WRITE, 0);
		ring_offer(&f->mem, i);
	}
	assert_int_equal(virtio_net_frame_rx(&f->q, &f->mem, f->frame, sizeof(f->frame), 12, true,
					     f->c, &f->err),
			 1);
	assert_int_equal(ring_used(&f->mem)->idx, 3);
	assert_int_equal(ring_used(&f->mem)->ring[0].len, 40);
	assert_int_equal(ring_used(&f->mem)->ring[1].len, 40);
	assert_int_equal(ring_used(&f->mem)->ring[2].len, 32);
	memcpy(&got, buf, sizeof(got));
	assert_int_equal(le16toh(got.num_buffers), 3);
	assert_memory_equal(buf + 12, f->frame + 12, 28);
	assert_memory_equal(buf + 100, f->frame + 40, 40);
	assert_memory_equal(buf + 200, f->frame + 80, 32);
}

/* Not enough buffers yet: nothing consumed, the same buffers come back. */
static void test_rx_mergeable_no_room(void **state)
{
	struct fixture *f = *state;

	ring_set_desc(&f->mem, 0, BUFFER_GPA, 40, VIRTQ_DESC_F_WRITE, 0);
	ring_offer(&f->mem, 0);
	assert_int_equal(virtio_net_frame_rx(&f->q, &f->mem, f->frame, sizeof(f->frame), 12, true,
					     f->c, &f->err),
			 0);
	assert_int_equal(ring_used(&f->mem)->idx, 0);
	assert_true(virtq_has_avail(&f->q));
	ring_set_desc(&f->mem, 1, BUFFER_GPA + 100, 100, VIRTQ_DESC_F_WRITE, 0);
	ring_offer(&f->mem, 1);
	assert_int_equal(virtio_net_frame_rx(&f->q, &f->mem, f->frame, sizeof(f->frame), 12, true,
					     f->c, &f->err),
			 1);
	assert_int_equal(ring_used(&f->mem)->idx, 2);
	assert_int_equal(ring_used(&f->mem)->ring[0].id, 0);
}

/* Without mergeable buffers a frame larger than the chain is dropped and
 * the buffer stays available. */
static void test_rx_too_big_dropped(void **state)
{
	struct fixture *f = *state;

	ring_set_desc(&f->mem, 0, BUFFER_GPA, 64, VIRTQ_DESC_F_WRITE, 0);
	ring_offer(&f->mem, 0);
	assert_int_equal(virtio_net_frame_rx(&f->q, &f->mem, f->frame, sizeof(f->frame), 12, false,
					     f->c, &f->err),
			 1);
	assert_int_equal(ring_used(&f->mem)->idx, 0);
	assert_true(virtq_has_avail(&f->q));
}

static void test_rx_readable_buffer(void **state)
{
	struct fixture *f = *state;

	ring_set_desc(&f->mem, 0, BUFFER_GPA, 2048, 0, 0);
	ring_offer(&f->mem, 0);
	assert_int_equal(virtio_net_frame_rx(&f->q, &f->mem, f->frame, sizeof(f->frame), 12, true,
					     f->c, &f->err),
			 -EINVAL);
}

static void test_rx_empty_queue(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(virtio_net_frame_rx(&f->q, &f->mem, f->frame, sizeof(f->frame), 12, false,
					     f->c, &f->err),
			 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, ring_teardown)
		T(test_hdr_len),
		T(test_tx_split_header),
		T(test_tx_legacy_header),
		T(test_tx_gso_not_negotiated),
		T(test_tx_bad_headers),
		T(test_tx_needs_csum_without_feature),
		T(test_tx_wrong_direction_and_short),
		T(test_tx_oversized),
		T(test_rx_one_chain),
		T(test_rx_legacy_header),
		T(test_rx_mergeable),
		T(test_rx_mergeable_no_room),
		T(test_rx_too_big_dropped),
		T(test_rx_readable_buffer),
		T(test_rx_empty_queue),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
