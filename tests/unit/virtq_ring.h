/* A split virtqueue of QSIZE entries in a fake guest memory, filled the way
 * a driver fills it: for the virtqueue and virtio-net frame unit tests
 * (cmocka.h first). */
#ifndef ISOVM_TEST_VIRTQ_RING_H
#define ISOVM_TEST_VIRTQ_RING_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "virtqueue.h"

#define MEM_BYTES  (1u << 20)
#define QSIZE	   8
#define DESC_GPA   0x1000
#define AVAIL_GPA  0x2000
#define USED_GPA   0x3000
#define BUFFER_GPA 0x10000

/* Zeroed memory of MEM_BYTES and queue `q` started on it. */
static inline void ring_setup(struct guest_mem *mem, struct virtq *q)
{
	struct iso_err err = {0};

	mem->host = aligned_alloc(4096, MEM_BYTES);
	assert_non_null(mem->host);
	memset(mem->host, 0, MEM_BYTES);
	mem->size = MEM_BYTES;
	*q = (struct virtq){
		.size = QSIZE, .desc_gpa = DESC_GPA, .avail_gpa = AVAIL_GPA, .used_gpa = USED_GPA};
	assert_int_equal(virtq_start(q, mem, &err), 0);
}

/* cmocka teardown for a fixture (malloc'ed, in *state) whose first
 * member is the guest_mem given to ring_setup(). */
static inline int ring_teardown(void **state)
{
	struct guest_mem *mem = *state;

	free(mem->host);
	free(*state);
	return 0;
}

static inline struct virtq_desc *ring_desc(struct guest_mem *mem, uint16_t i)
{
	return (struct virtq_desc *)(mem->host + DESC_GPA) + i;
}

static inline struct virtq_avail *ring_avail(struct guest_mem *mem)
{
	return (struct virtq_avail *)(mem->host + AVAIL_GPA);
}

static inline struct virtq_used *ring_used(struct guest_mem *mem)
{
	return (struct virtq_used *)(mem->host + USED_GPA);
}

static inline void ring_set_desc(struct guest_mem *mem, uint16_t i, uint64_t addr, uint32_t len,
				 uint16_t flags, uint16_t next)
{
	*ring_desc(mem, i) =
		(struct virtq_desc){.addr = addr, .len = len, .flags = flags, .next = next};
}

/* Make chain `head` available as the driver would. */
static inline void ring_offer(struct guest_mem *mem, uint16_t head)
{
	struct virtq_avail *a = ring_avail(mem);

	a->ring[a->idx % QSIZE] = head;
	a->idx++;
}

#endif
