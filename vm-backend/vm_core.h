/* What the core's own files (vcpu.c, boot) need from vm.c beyond vm.h:
 * not for devices. */
#ifndef ISOVM_VM_CORE_H
#define ISOVM_VM_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "vm.h"

/* True once a stop was requested: vCPU threads leave their loop. */
bool vm_stop_requested(struct vm *vm);

/* Route one guest access to the PIO or MMIO bus; unhandled accesses are
 * counted and logged under --verbose. */
void vm_dispatch(struct vm *vm, enum vm_bus_kind kind, uint64_t addr, void *data, uint32_t len,
		 bool is_write);

size_t vm_vcpu_mmap_size(struct vm *vm);

#endif
