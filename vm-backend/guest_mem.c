/* Guest RAM: one anonymous mapping, and the one checked translation from
 * guest-physical addresses to host pointers. */
#include "guest_mem.h"

#include <errno.h>
#include <sys/mman.h>

int guest_mem_create(struct guest_mem *mem, uint64_t size, bool hugepages, struct iso_err *err)
{
	void *p;

	mem->host = NULL;
	mem->size = 0;
	if (size == 0 || size > SIZE_MAX)
		return iso_err_input(err, -EINVAL, "guest memory: bad size %llu",
				     (unsigned long long)size);
	p = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return iso_err_set(err, -errno, "guest memory: mmap %llu MiB",
				   (unsigned long long)(size >> 20));
	if (hugepages && madvise(p, (size_t)size, MADV_HUGEPAGE) < 0) {
		int e = -errno;

		munmap(p, (size_t)size);
		return iso_err_set(err, e, "guest memory: madvise(MADV_HUGEPAGE)");
	}
	/* Guest RAM is the guest's business: keep it out of core dumps. */
	madvise(p, (size_t)size, MADV_DONTDUMP);
	mem->host = p;
	mem->size = size;
	return 0;
}

void guest_mem_destroy(struct guest_mem *mem)
{
	if (mem->host)
		munmap(mem->host, (size_t)mem->size);
	mem->host = NULL;
	mem->size = 0;
}

void *guest_mem_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
	/* Written so that neither gpa + len nor anything else can wrap. */
	if (!mem->host || gpa > mem->size || len > mem->size - gpa)
		return NULL;
	return mem->host + gpa;
}
