/* Guest RAM lifecycle (the checked accessor guest_mem_ptr is in vm.h). */
#ifndef ISOVM_GUEST_MEM_H
#define ISOVM_GUEST_MEM_H

#include <stdbool.h>
#include <stdint.h>

#include "vm.h"

/* Map `size` bytes of anonymous, lazily populated memory (MAP_NORESERVE:
 * pages the guest never touches cost nothing). `hugepages` asks for
 * transparent hugepages (madvise). */
int guest_mem_create(struct guest_mem *mem, uint64_t size, bool hugepages, struct iso_err *err);

/* Idempotent; unmaps. */
void guest_mem_destroy(struct guest_mem *mem);

#endif
