/* Split virtqueue device side (virtio 1.x §2.7), every guest value checked. */
#include <errno.h>
#include <string.h>

#include "virtqueue.h"

/* The ring is shared with a guest that may write it at any time: read
 * each index once, with the ordering §2.7.13 asks for. */
static uint16_t load_acquire_u16(const uint16_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store_release_u16(uint16_t *p, uint16_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

uint64_t virtq_desc_bytes(uint16_t size)
{
	return (uint64_t)sizeof(struct virtq_desc) * size;
}

/* flags, idx, ring[size], used_event (§2.7.6). */
uint64_t virtq_avail_bytes(uint16_t size)
{
	return 6 + (uint64_t)2 * size;
}

/* flags, idx, ring[size], avail_event (§2.7.8). */
uint64_t virtq_used_bytes(uint16_t size)
{
	return 6 + (uint64_t)sizeof(struct virtq_used_elem) * size;
}

int virtq_set_legacy_pfn(struct virtq *q, uint32_t pfn, struct iso_err *err)
{
	uint64_t base = (uint64_t)pfn * VIRTQ_LEGACY_ALIGN;
	uint64_t avail_end = base + virtq_desc_bytes(q->size) + virtq_avail_bytes(q->size);

	/* base < 2^44 and the areas are < 2^20, so nothing here can wrap; the
	 * bound keeps the sums meaningful for virtq_start(). */
	if (avail_end < base)
		return iso_err_input(err, -EOVERFLOW, "legacy queue pfn %#x", pfn);
	q->desc_gpa = base;
	q->avail_gpa = base + virtq_desc_bytes(q->size);
	q->used_gpa = (avail_end + VIRTQ_LEGACY_ALIGN - 1) & ~(uint64_t)(VIRTQ_LEGACY_ALIGN - 1);
	return 0;
}

static void *area_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len, uint64_t align,
		      const char *what, struct iso_err *err)
{
	void *p;

	if (gpa & (align - 1)) {
		iso_err_input(err, -EINVAL, "%s ring at %#llx not %llu-byte aligned", what,
			      (unsigned long long)gpa, (unsigned long long)align);
		return NULL;
	}
	p = guest_mem_ptr(mem, gpa, len);
	if (!p)
		iso_err_input(err, -EINVAL, "%s ring [%#llx, +%#llx) outside guest memory", what,
			      (unsigned long long)gpa, (unsigned long long)len);
	return p;
}

int virtq_start(struct virtq *q, const struct guest_mem *mem, struct iso_err *err)
{
	uint16_t extra = q->event_idx ? 2 : 0;

	q->ready = false;
	/* §2.7: "Queue Size value is always a power of 2" (and at most 32768). */
	if (q->size == 0 || q->size > VIRTQ_SIZE_MAX || (q->size & (q->size - 1)))
		return iso_err_input(err, -EINVAL, "queue size %u not a power of two <= %u",
				     q->size, VIRTQ_SIZE_MAX);
	/* Alignment: descriptors 16, avail 2, used 4 (§2.7 table). */
	q->desc = area_ptr(mem, q->desc_gpa, virtq_desc_bytes(q->size), 16, "descriptor", err);
	if (!q->desc)
		return err->code;
	q->avail = area_ptr(mem, q->avail_gpa, virtq_avail_bytes(q->size) - 2 + extra, 2, "avail",
			    err);
	if (!q->avail)
		return err->code;
	q->used = area_ptr(mem, q->used_gpa, virtq_used_bytes(q->size) - 2 + extra, 4, "used", err);
	if (!q->used)
		return err->code;
	q->last_avail = 0;
	q->used_idx = 0;
	q->signalled_used = 0;
	q->popped = 0;
	q->seen_avail = 0;
	q->ready = true;
	return 0;
}

void virtq_stop(struct virtq *q)
{
	q->ready = false;
	q->desc = NULL;
	q->avail = NULL;
	q->used = NULL;
}

bool virtq_has_avail(const struct virtq *q)
{
	return q->ready && load_acquire_u16(&q->avail->idx) != q->last_avail;
}

/* Read descriptor `i` once: the guest may rewrite it while we follow it. */
static struct virtq_desc desc_read(const struct virtq *q, uint16_t i)
{
	struct virtq_desc d;

	memcpy(&d, &q->desc[i], sizeof(d));
	return d;
}

int virtq_pop(struct virtq *q, const struct guest_mem *mem, struct virtq_chain *c,
	      struct iso_err *err)
{
	uint16_t avail_idx, head, i;
	unsigned int n = 0;

	if (!q->ready)
		return 0;
	avail_idx = load_acquire_u16(&q->avail->idx);
	q->seen_avail = avail_idx;
	if (avail_idx == q->last_avail)
		return 0;
	/* More than a queue's worth outstanding is impossible (§2.7.6). */
	if ((uint16_t)(avail_idx - q->last_avail) > q->size)
		return iso_err_input(err, -EINVAL, "avail idx %u runs %u ahead of %u entries",
				     avail_idx, (uint16_t)(avail_idx - q->last_avail), q->size);
	head = __atomic_load_n(&q->avail->ring[q->last_avail % q->size], __ATOMIC_RELAXED);
	if (head >= q->size)
		return iso_err_input(err, -EINVAL, "avail ring head %u >= queue size %u", head,
				     q->size);

	c->head = head;
	c->n_out = c->n_in = 0;
	c->out_len = c->in_len = 0;
	for (i = head;;) {
		struct virtq_desc d = desc_read(q, i);
		void *p;

		/* A chain visits at most `size` descriptors (§2.7.5.1); more
		 * means a loop. */
		if (++n > q->size)
			return iso_err_input(err, -ELOOP, "chain from %u longer than %u", head,
					     q->size);
		if (d.flags & VIRTQ_DESC_F_INDIRECT)
			return iso_err_input(err, -EINVAL, "descriptor %u: indirect not negotiated",
					     i);
		if (d.flags & VIRTQ_DESC_F_WRITE) {
			c->n_in++;
			c->in_len += d.len;
		} else {
			/* §2.7.4.2: readable descriptors come before writable ones. */
			if (c->n_in)
				return iso_err_input(
					err, -EINVAL,
					"descriptor %u: readable after writable in chain %u", i,
					head);
			c->n_out++;
			c->out_len += d.len;
		}
		/* Zero-length buffers address nothing; a NULL base keeps the
		 * segment count honest without pointing into the guest. */
		p = NULL;
		if (d.len) {
			p = guest_mem_ptr(mem, d.addr, d.len);
			if (!p)
				return iso_err_input(
					err, -EFAULT,
					"descriptor %u: buffer [%#llx, +%#x) outside guest memory",
					i, (unsigned long long)d.addr, d.len);
		}
		c->iov[n - 1].iov_base = p;
		c->iov[n - 1].iov_len = d.len;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			break;
		if (d.next >= q->size)
			return iso_err_input(err, -EINVAL,
					     "descriptor %u: next %u >= queue size %u", i, d.next,
					     q->size);
		i = d.next;
	}
	q->last_avail++;
	q->popped++;
	return 1;
}

void virtq_unpop(struct virtq *q, uint16_t n)
{
	if (n > q->popped)
		n = q->popped;
	q->last_avail -= n;
	q->popped -= n;
}

void virtq_push(struct virtq *q, uint16_t head, uint32_t len)
{
	struct virtq_used_elem *e = &q->used->ring[q->used_idx % q->size];

	__atomic_store_n(&e->id, head, __ATOMIC_RELAXED);
	__atomic_store_n(&e->len, len, __ATOMIC_RELAXED);
	q->used_idx++;
	if (q->popped)
		q->popped--;
	/* The element is visible before the index that publishes it (§2.7.8). */
	store_release_u16(&q->used->idx, q->used_idx);
}

/* §2.7.10: interrupt when the used index crosses used_event. */
static bool need_event(uint16_t event, uint16_t new_idx, uint16_t old_idx)
{
	return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old_idx);
}

bool virtq_needs_interrupt(struct virtq *q)
{
	uint16_t old = q->signalled_used;
	bool need;

	if (!q->ready || old == q->used_idx)
		return false;
	/* Our used->idx store must be visible before we read the driver's
	 * suppression state, or both sides may decide not to act. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (q->event_idx) {
		uint16_t used_event = __atomic_load_n(&q->avail->ring[q->size], __ATOMIC_RELAXED);
		need = need_event(used_event, q->used_idx, old);
	} else {
		need = !(__atomic_load_n(&q->avail->flags, __ATOMIC_RELAXED) &
			 VIRTQ_AVAIL_F_NO_INTERRUPT);
	}
	q->signalled_used = q->used_idx;
	return need;
}

bool virtq_enable_notify(struct virtq *q)
{
	if (!q->ready)
		return false;
	if (q->event_idx) {
		/* avail_event sits after the used ring (§2.7.8). */
		__atomic_store_n((uint16_t *)&q->used->ring[q->size], q->seen_avail,
				 __ATOMIC_RELAXED);
		/* The request must be visible before we re-read the index. */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
	}
	return load_acquire_u16(&q->avail->idx) != q->seen_avail;
}

/* Copy between `buf` and the bytes [off, off+len) of `count` segments. */
static size_t chain_copy(const struct iovec *iov, unsigned int count, uint64_t off, uint8_t *buf,
			 size_t len, bool to_chain)
{
	size_t done = 0;

	for (unsigned int s = 0; s < count && done < len; s++) {
		size_t seg = iov[s].iov_len, n;

		if (off >= seg) {
			off -= seg;
			continue;
		}
		n = seg - off;
		if (n > len - done)
			n = len - done;
		if (to_chain)
			memcpy((uint8_t *)iov[s].iov_base + off, buf + done, n);
		else
			memcpy(buf + done, (uint8_t *)iov[s].iov_base + off, n);
		done += n;
		off = 0;
	}
	return done;
}

size_t virtq_chain_copy_from(const struct virtq_chain *c, uint64_t off, void *dst, size_t len)
{
	return chain_copy(c->iov, c->n_out, off, dst, len, false);
}

size_t virtq_chain_copy_to(const struct virtq_chain *c, uint64_t off, const void *src, size_t len)
{
	return chain_copy(c->iov + c->n_out, c->n_in, off, (uint8_t *)src, len, true);
}
