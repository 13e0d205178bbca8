/* Split virtqueue device side against a hostile driver: descriptors out of
 * range, overflowing, looping, too long, bad indices, wrong direction. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "virtq_ring.h"

struct fixture { /* mem first: ring_teardown() */
	struct guest_mem mem;
	struct virtq q;
	struct virtq_chain c;
	struct iso_err err;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	ring_setup(&f->mem, &f->q);
	*state = f;
	return 0;
}

static void test_good_chain_and_push(void **state)
{
	struct fixture *f = *state;

	ring_set_desc(&f->mem, 0, BUFFER_GPA, 10, VIRTQ_DESC_F_NEXT, 3);
	ring_set_desc(&f->mem, 3, BUFFER_GPA + 100, 20, VIRTQ_DESC_F_NEXT, 5);
	ring_set_desc(&f->mem, 5, BUFFER_GPA + 200, 30, VIRTQ_DESC_F_WRITE, 0);
	assert_false(virtq_has_avail(&f->q));
	assert_int_equal(virtq_pop(&f->q, &f->mem, &f->c, &f->err), 0);
	ring_offer(&f->mem, 0);
	assert_true(virtq_has_avail(&f->q));
	assert_int_equal(virtq_pop(&f->q, &f->mem, &f->c, &f->err), 1);
	assert_int_equal(f->c.head, 0);
	assert_int_equal(f->c.n_out, 2);
	assert_int_equal(f->c.n_in, 1);
	assert_int_equal(f->c.out_len, 30);
	assert_int_equal(f->c.in_len, 30);
	assert_ptr_equal(f->c.iov[1].iov_base, f->mem.host + BUFFER_GPA + 100);
	assert_ptr_equal(f->c.iov[2].iov_base, f->mem.host + BUFFER_GPA + 200);
	assert_false(virtq_has_avail(&f->q));

	virtq_push(&f->q, f->c.head, 17);
	assert_int_equal(ring_used(&f->mem)->idx, 1);
	assert_int_equal(ring_used(&f->mem)->ring[0].id, 0);
	assert_int_equal(ring_used(&f->mem)->ring[0].len, 17);
}

static void test_buffer_outside_memory(void **state)
{
	struct fixture *f = *state;

	ring_set_desc(&f->mem, 0, MEM_BYTES - 10, 11, 0, 0);
	ring_offer(&f->mem, 0);
	assert_int_equal(virtq_pop(&f->q, &f->mem, &f->c, &f->err), -EFAULT);
	assert_non_null(strstr(f->err.msg, "outside guest memory"));
}

static void test_buffer_addr_len_overflow(void **state)
{
	struct fixture *f = *state;

	/* addr + len wraps to a small, in-range value. */
	ring_set_desc(&f->mem, 0, UINT64_MAX - 5, 0x100, VIRTQ_DESC_F_WRITE, 0);
	ring_offer(&f->mem, 0);
	assert_int_equal(virtq_pop(&f->q, &f->mem, &f->c, &f->err), -EFAULT);
}

static void test_buffer_at_end_of_memory_ok(void **state)
{
	struct fixture *f = *state;

	ring_set_desc(&f->mem, 0, MEM_BYTES - 10, 10, 0, 0);
	ring_offer(&f->mem, 0);
	assert_int_equal(virtq_pop(&f->q, &f->mem, &f->c, &f->err), 1);
}

static void test_looping_chain(void **state)
{
	struct fixture *f = *state;

	ring_set_desc(&f->mem, 0, BUFFER_GPA, 1, VIRTQ_DESC_F_NEXT, 1);
	ring_set_desc(&f->mem, 1, BUFFER_GPA, 1, VIRTQ_DESC_F_NEXT, 0);
	ring_offer(&f->mem, 0);
	assert_int_equal(virtq_pop(&f->q, &f->mem, &f->c, &f->err), -ELOOP);
}

static void test_self_loop(void **state)
{
	struct fixture *f = *state;

	ring_set_desc(&f->mem, 2, BUFFER_GPA, 1, VIRTQ_DESC_F_NEXT, 2);
	ring_offer(&f->mem, 2);
	assert_int_equal(virtq_pop(&f->q, &f->mem, &f->c, &f->err), -ELOOP);
}

/* A chain of exactly the queue size is legal; one more is a loop. */
static void test_chain_length_bound(void **state)
{
	struct fixture *f = *state;

	for (uint16_t i = 0; i < QSIZE; i++)
		ring_set_desc(&f->mem, i, BUFFER_GPA, 4, i + 1 < QSIZE ? VIRTQ_DESC_F_NEXT : 0,
			      i + 1);
	ring_offer(&f->mem, 0);
	assert_int_equal(virtq_pop(&f->q, &f->mem, &f->c, &f->err), 1);
	assert_int_equal(f->c.n_out, QSIZE);

	ring_set_desc(&f->mem, QSIZE - 1, BUFFER_GPA, 4, VIRTQ_DESC_F_NEXT, 0);
	ring_offer(&f->mem, 0);
	assert_int_equal(virtq_pop(&f->q, &f->mem, &f->c, &f->err), -ELOOP);
}

static void test_head_out_of_range(void **state)
{
	struct fixture *f = *state;

	ring_offer(&f->mem, QSIZE);
	assert_int_equal(virtq_pop(&f->q, &f->mem, &f->c, &f->err), -EINVAL);
}

static void test_next_out_of_range(void **state)
{
	struct fixture *f = *state;

	ring_set_desc(&f->mem, 0, BUFFER_GPA, 1, VIRTQ_DESC_F_NEXT, 0xffff);
	ring_offer(&f->mem, 0);
	assert_int_equal(virtq_pop(&f->q, &f->mem, &f->c, &f->err), -EINVAL);
}

static void test_avail_idx_too_far_ahead(void **state)
{
	struct fixture *f = *state;

	ring_set_desc(&f->mem, 0, BUFFER_GPA, 1, 0, 0);
	ring_avail(&f->mem)->idx = QSIZE + 1;
	assert_int_equal(virtq_pop(&f->q, &f->mem, &f->c, &f->err), -EINVAL);
}

/* Readable after writable breaks §2.7.4.2. */
static void test_wrong_direction(void **state)
{
	struct fixture *f = *state;

	ring_set_desc(&f->mem, 0, BUFFER_GPA, 8, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 1);
	ring_set_desc(&f->mem, 1, BUFFER_GPA, 8, 0, 0);
	ring_offer(&f->mem, 0);
	assert_int_equal(virtq_pop(&f->q, &f->mem, &f->c, &f->err), -EINVAL);
	assert_non_null(strstr(f->err.msg, "readable after writable"));
}

static void test_indirect_not_negotiated(void **state)
{
	struct fixture *f = *state;

	ring_set_desc(&f->mem, 0, BUFFER_GPA, 16, VIRTQ_DESC_F_INDIRECT, 0);
	ring_offer(&f->mem, 0);
	assert_int_equal(virtq_pop(&f->q, &f->mem, &f->c, &f->err), -EINVAL);
}

static void test_start_rejects_bad_rings(void **state)
{
	struct fixture *f = *state;
	struct virtq q = f->q;

	q.size = 6; /* not a power of two */
	assert_int_equal(virtq_start(&q, &f->mem, &f->err), -EINVAL);
	assert_false(q.ready);
	q.size = VIRTQ_SIZE_MAX * 2;
	assert_int_equal(virtq_start(&q, &f->mem, &f->err), -EINVAL);
	q = f->q;
	q.desc_gpa = DESC_GPA + 8; /* descriptors need 16-byte alignment */
	assert_int_equal(virtq_start(&q, &f->mem, &f->err), -EINVAL);
	q = f->q;
	q.used_gpa = MEM_BYTES - 8; /* used ring runs past the end */
	assert_int_equal(virtq_start(&q, &f->mem, &f->err), -EINVAL);
	q = f->q;
	q.avail_gpa = UINT64_MAX - 1;
	assert_int_equal(virtq_start(&q, &f->mem, &f->err), -EINVAL);
}

static void test_legacy_pfn_layout(void **state)
{
	struct fixture *f = *state;
	struct virtq q = {.size = 256};

	assert_int_equal(virtq_set_legacy_pfn(&q, 5, &f->err), 0);
	assert_int_equal(q.desc_gpa, 5 * 4096);
	assert_int_equal(q.avail_gpa, 5 * 4096 + 16 * 256);
	/* 4096 + 6 + 512 bytes round up to the next 4 KiB page. */
	assert_int_equal(q.used_gpa, 5 * 4096 + 8192);
	assert_int_equal(virtq_start(&q, &f->mem, &f->err), 0);
}

static void test_unpop_returns_chain(void **state)
{
	struct fixture *f = *state;

	ring_set_desc(&f->mem, 4, BUFFER_GPA, 8, VIRTQ_DESC_F_WRITE, 0);
	ring_offer(&f->mem, 4);
	assert_int_equal(virtq_pop(&f->q, &f->mem, &f->c, &f->err), 1);
	virtq_unpop(&f->q, 1);
	/* Unpopping more than was popped is clamped. */
	virtq_unpop(&f->q, 3);
	assert_true(virtq_has_avail(&f->q));
	assert_int_equal(virtq_pop(&f->q, &f->mem, &f->c, &f->err), 1);
	assert_int_equal(f->c.head, 4);
	assert_false(virtq_has_avail(&f->q));
}

static void test_interrupt_suppression_flags(void **state)
{
	struct fixture *f = *state;

	assert_false(virtq_needs_interrupt(&f->q)); /* nothing pushed */
	virtq_push(&f->q, 0, 0);
	assert_true(virtq_needs_interrupt(&f->q));
	assert_false(virtq_needs_interrupt(&f->q)); /* already signalled */
	ring_avail(&f->mem)->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
	virtq_push(&f->q, 0, 0);
	assert_false(virtq_needs_interrupt(&f->q));
}

/* §2.7.10: with EVENT_IDX interrupt only when used idx passes used_event. */
static void test_interrupt_event_idx(void **state)
{
	struct fixture *f = *state;
	uint16_t *used_event = &ring_avail(&f->mem)->ring[QSIZE];
	uint16_t *avail_event = (uint16_t *)&ring_used(&f->mem)->ring[QSIZE];

	f->q.event_idx = true;
	assert_int_equal(virtq_start(&f->q, &f->mem, &f->err), 0);
	*used_event = 2; /* interrupt once entry 2 is used, i.e. idx 3 */
	virtq_push(&f->q, 0, 0);
	assert_false(virtq_needs_interrupt(&f->q));
	virtq_push(&f->q, 0, 0);
	assert_false(virtq_needs_interrupt(&f->q));
	virtq_push(&f->q, 0, 0);
	virtq_push(&f->q, 0, 0);
	assert_true(virtq_needs_interrupt(&f->q));

	ring_set_desc(&f->mem, 0, BUFFER_GPA, 1, 0, 0);
	ring_offer(&f->mem, 0);
	assert_int_equal(virtq_pop(&f->q, &f->mem, &f->c, &f->err), 1);
	virtq_enable_notify(&f->q);
	assert_int_equal(*avail_event, 1);
}

/* A device short of buffers (some still unconsumed) asks to be notified
 * past the index it saw, and learns when the driver already moved on. */
static void test_enable_notify_while_short(void **state)
{
	struct fixture *f = *state;
	uint16_t *avail_event = (uint16_t *)&ring_used(&f->mem)->ring[QSIZE];

	f->q.event_idx = true;
	assert_int_equal(virtq_start(&f->q, &f->mem, &f->err), 0);
	ring_set_desc(&f->mem, 0, BUFFER_GPA, 8, VIRTQ_DESC_F_WRITE, 0);
	ring_set_desc(&f->mem, 1, BUFFER_GPA, 8, VIRTQ_DESC_F_WRITE, 0);
	ring_offer(&f->mem, 0);
	assert_int_equal(virtq_pop(&f->q, &f->mem, &f->c, &f->err), 1);
	assert_int_equal(virtq_pop(&f->q, &f->mem, &f->c, &f->err), 0);
	virtq_unpop(&f->q, 1); /* one buffer was not enough */
	assert_false(virtq_enable_notify(&f->q));
	assert_int_equal(*avail_event, 1); /* the driver's next add kicks */
	ring_offer(&f->mem, 1);
	assert_true(virtq_enable_notify(&f->q)); /* added before it saw it */
}

static void test_chain_copies(void **state)
{
	struct fixture *f = *state;
	uint8_t out[8];

	memcpy(f->mem.host + BUFFER_GPA, "abc", 3);
	memcpy(f->mem.host + BUFFER_GPA + 100, "defgh", 5);
	ring_set_desc(&f->mem, 0, BUFFER_GPA, 3, VIRTQ_DESC_F_NEXT, 1);
	ring_set_desc(&f->mem, 1, BUFFER_GPA + 100, 5, VIRTQ_DESC_F_NEXT, 2);
	ring_set_desc(&f->mem, 2, BUFFER_GPA + 200, 2, VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_NEXT, 3);
	ring_set_desc(&f->mem, 3, BUFFER_GPA + 300, 4, VIRTQ_DESC_F_WRITE, 0);
	ring_offer(&f->mem, 0);
	assert_int_equal(virtq_pop(&f->q, &f->mem, &f->c, &f->err), 1);
	assert_int_equal(virtq_chain_copy_from(&f->c, 2, out, sizeof(out)), 6);
	assert_memory_equal(out, "cdefgh", 6);
	/* Writes stop at the end of the writable segments. */
	assert_int_equal(virtq_chain_copy_to(&f->c, 1, "WXYZQ", 5), 5);
	assert_int_equal(virtq_chain_copy_to(&f->c, 1, "WXYZQR", 6), 5);
	assert_memory_equal(f->mem.host + BUFFER_GPA + 201, "W", 1);
	assert_memory_equal(f->mem.host + BUFFER_GPA + 300, "XYZQ", 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, ring_teardown)
		T(test_good_chain_and_push),
		T(test_buffer_outside_memory),
		T(test_buffer_addr_len_overflow),
		T(test_buffer_at_end_of_memory_ok),
		T(test_looping_chain),
		T(test_self_loop),
		T(test_chain_length_bound),
		T(test_head_out_of_range),
		T(test_next_out_of_range),
		T(test_avail_idx_too_far_ahead),
		T(test_wrong_direction),
		T(test_indirect_not_negotiated),
		T(test_start_rejects_bad_rings),
		T(test_legacy_pfn_layout),
		T(test_unpop_returns_chain),
		T(test_interrupt_suppression_flags),
		T(test_interrupt_event_idx),
		T(test_enable_notify_while_short),
		T(test_chain_copies),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
