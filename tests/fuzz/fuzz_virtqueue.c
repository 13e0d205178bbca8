/* libFuzzer target: a hostile driver's view of one split virtqueue and the
 * virtio-net frames on it. The input is guest memory (rings and buffers)
 * plus a few control bytes; every tx chain is parsed as a virtio-net
 * request, then the ring is reused as an rx queue. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "virtio_net_frame.h"

#define FUZZ_MEM_BYTES	(64u * 1024u)
#define FUZZ_CTRL_BYTES 4

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t *mem_host;
static struct virtq_chain chains[2];
static struct virtio_net_hdr hdr;
static struct iovec iov[VIRTQ_SIZE_MAX + 1];

/* The backend side: a 12-byte header and a small frame, sent as often as
 * the ring takes them. */
static void run_rx(struct virtq *q, const struct guest_mem *mem, bool mergeable, size_t hdr_len)
{
	static const uint8_t frame[VIRTIO_NET_HDR_LEN + 1514] = {1};
	struct iso_err err = {0};

	for (unsigned int i = 0; i < 2u * VIRTQ_SIZE_MAX; i++)
		if (virtio_net_frame_rx(q, mem, frame, sizeof(frame) - (i % 1400), hdr_len,
					mergeable, chains, &err) <= 0)
			break;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct guest_mem mem = {.size = FUZZ_MEM_BYTES};
	struct iso_err err = {0};
	struct virtq q;
	uint64_t features;
	size_t hdr_len;

	if (size < FUZZ_CTRL_BYTES)
		return 0;
	if (!mem_host && !(mem_host = aligned_alloc(4096, FUZZ_MEM_BYTES)))
		abort();
	mem.host = mem_host;
	memset(mem.host, 0, FUZZ_MEM_BYTES);
	memcpy(mem.host, data + FUZZ_CTRL_BYTES,
	       size - FUZZ_CTRL_BYTES < FUZZ_MEM_BYTES ? size - FUZZ_CTRL_BYTES : FUZZ_MEM_BYTES);

	/* Control bytes: queue size (sometimes not a power of two), ring
	 * features, header layout, negotiated offloads. */
	q = (struct virtq){.size = (uint16_t)(data[0] % 2 ? 1u << (data[0] >> 5) : data[0]),
			   .event_idx = data[1] & 4};
	/* Rings packed at the start of memory, so short inputs reach them;
	 * the avail ring is sometimes misaligned. */
	q.desc_gpa = 0;
	q.avail_gpa = virtq_desc_bytes(q.size) + (data[1] & 3);
	q.used_gpa = (q.avail_gpa + virtq_avail_bytes(q.size) + 3) & ~3ull;
	features = (uint64_t)data[2] | ((uint64_t)data[3] << 8);
	hdr_len = data[1] & 8 ? VIRTIO_NET_HDR_LEGACY_LEN : VIRTIO_NET_HDR_LEN;
	if (virtq_start(&q, &mem, &err) < 0)
		return 0;

	/* tx: every chain either parses or is refused; bounded like the
	 * device (a ring never offers more than its size at once). */
	for (unsigned int i = 0; i < 2u * VIRTQ_SIZE_MAX; i++) {
		int r = virtq_pop(&q, &mem, &chains[0], &err);

		if (r <= 0)
			break;
		virtio_net_frame_tx(&chains[0], hdr_len, features, &hdr, iov, &err);
		virtq_push(&q, chains[0].head, 0);
		virtq_needs_interrupt(&q);
		virtq_enable_notify(&q);
	}

	if (virtq_start(&q, &mem, &err) == 0)
		run_rx(&q, &mem, data[1] & 16, hdr_len);
	return 0;
}
