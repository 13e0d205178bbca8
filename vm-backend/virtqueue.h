/* Split virtqueues (virtio 1.x §2.7) over checked guest memory: the
 * device side of one ring, as pure functions that need no KVM.
 *
 * Contracts:
 *  - The driver (guest) is hostile. virtq_start() checks that the three
 *    ring areas lie inside guest memory with the alignment §2.7 requires;
 *    virtq_pop() checks every descriptor it follows (index in range,
 *    buffer inside guest memory, chain no longer than the queue, device-
 *    writable descriptors only after device-readable ones, no indirect
 *    descriptors since VIRTIO_F_INDIRECT_DESC is never offered). A
 *    violation returns a negative errno with a message: the caller marks
 *    the device DEVICE_NEEDS_RESET (§2.1.2) and stops using the queue.
 *  - One thread at a time per queue (the device serialises).
 *  - Indices are free-running 16-bit counters (§2.7.6, §2.7.8). */
#ifndef ISOVM_VIRTQUEUE_H
#define ISOVM_VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "err.h"
#include "vm.h"

/* Device-independent feature bits (§6). */
#define VIRTIO_F_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_BIT(b)	   (UINT64_C(1) << (b))

/* Largest queue any isovm device offers; bounds a chain's segment count. */
#define VIRTQ_SIZE_MAX 256

/* Descriptor flags (§2.7.5). */
#define VIRTQ_DESC_F_NEXT     1
#define VIRTQ_DESC_F_WRITE    2
#define VIRTQ_DESC_F_INDIRECT 4

/* avail->flags / used->flags (§2.7.7, §2.7.10). */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

/* Legacy interface ring alignment (§2.7 "Legacy Interfaces"). */
#define VIRTQ_LEGACY_ALIGN 4096

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[]; /* then used_event (with VIRTIO_F_EVENT_IDX) */
};

struct virtq_used_elem {
	uint32_t id; /* head of the chain */
	uint32_t len;
};

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[]; /* then avail_event */
};

/* One queue. The transport fills size and the three guest-physical
 * addresses, then calls virtq_start(); the rest is private. */
struct virtq {
	uint16_t size;
	uint64_t desc_gpa;
	uint64_t avail_gpa;
	uint64_t used_gpa;
	bool event_idx; /* VIRTIO_F_EVENT_IDX negotiated (§2.7.10) */

	bool ready; /* virtq_start() succeeded */
	struct virtq_desc *desc;
	struct virtq_avail *avail;
	struct virtq_used *used;
	uint16_t last_avail;	 /* next avail ring slot to consume */
	uint16_t used_idx;	 /* our copy of used->idx */
	uint16_t signalled_used; /* used_idx when the driver was last interrupted */
	uint16_t popped;	 /* chains popped and not yet pushed back or unpopped */
	uint16_t seen_avail;	 /* avail->idx as virtq_pop() last read it */
};

/* One descriptor chain, readable segments first (out), then writable (in). */
struct virtq_chain {
	uint16_t head;
	unsigned int n_out;
	unsigned int n_in;
	uint64_t out_len; /* bytes in the readable segments */
	uint64_t in_len;  /* bytes in the writable segments */
	struct iovec iov[VIRTQ_SIZE_MAX];
};

/* Size of each ring area for a queue of `size` entries (§2.7). */
uint64_t virtq_desc_bytes(uint16_t size);
uint64_t virtq_avail_bytes(uint16_t size);
uint64_t virtq_used_bytes(uint16_t size);

/* Set the three areas from a legacy queue PFN (§4.1.4.8 legacy layout:
 * descriptors, avail, then used at the next VIRTQ_LEGACY_ALIGN). Checks
 * nothing; virtq_start() does. -EOVERFLOW when the PFN cannot address. */
int virtq_set_legacy_pfn(struct virtq *q, uint32_t pfn, struct iso_err *err);

/* Validate size (a power of two, 1..VIRTQ_SIZE_MAX), alignment and
 * placement of the areas, and make the queue ready with all indices at 0.
 * -EINVAL with a message when the driver's setup is bad. */
int virtq_start(struct virtq *q, const struct guest_mem *mem, struct iso_err *err);

/* Forget the rings (device reset): ready becomes false. */
void virtq_stop(struct virtq *q);

/* True when the driver has made a chain available that is not popped. */
bool virtq_has_avail(const struct virtq *q);

/* Take the next available chain into `c`. Returns 1 with a chain, 0 when
 * none is available, or a negative errno (-EINVAL: index out of range or
 * bad flags; -EFAULT: buffer outside guest memory; -ELOOP: chain longer
 * than the queue) when the driver broke the ring. */
int virtq_pop(struct virtq *q, const struct guest_mem *mem, struct virtq_chain *c,
	      struct iso_err *err);

/* Give back the `n` most recently popped chains, not yet pushed, so a
 * later virtq_pop() returns them again (rx ran out of buffers mid-frame). */
void virtq_unpop(struct virtq *q, uint16_t n);

/* Return a popped chain to the driver with `len` bytes written into its
 * writable segments (§2.7.8). Publishes the used index. */
void virtq_push(struct virtq *q, uint16_t head, uint32_t len);

/* Whether the driver wants an interrupt for the chains pushed since the
 * last call (§2.7.10: used_event with VIRTIO_F_EVENT_IDX, else the
 * avail->flags NO_INTERRUPT hint). */
bool virtq_needs_interrupt(struct virtq *q);

/* Ask the driver to notify when it adds chains beyond the avail index
 * virtq_pop() last saw (with VIRTIO_F_EVENT_IDX: avail_event = that index;
 * without it the driver always notifies). Returns true when the driver
 * has already moved past that index, so the caller must look again
 * instead of waiting: closes the race with a driver that added chains
 * before it could see the request (§2.7.10). */
bool virtq_enable_notify(struct virtq *q);

/* Copy between a chain's segments and a flat buffer: `off` counts bytes
 * from the start of the readable (copy_from) or writable (copy_to)
 * segments. Return the bytes copied (short at the end of the chain). */
size_t virtq_chain_copy_from(const struct virtq_chain *c, uint64_t off, void *dst, size_t len);
size_t virtq_chain_copy_to(const struct virtq_chain *c, uint64_t off, const void *src, size_t len);

#endif
