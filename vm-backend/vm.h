/* isovm's internal API: the VM object, checked guest memory, the I/O and
 * MMIO buses, interrupts, and the device table. Every device file
 * (serial.c, pci.c, virtio_net.c, ...) uses only what is declared here.
 *
 * Contracts:
 *  - The guest is hostile. Every guest-physical address and length goes
 *    through guest_mem_ptr(); a NULL result fails that request, never the
 *    monitor.
 *  - Bus handlers run on vCPU threads; a device serialises its own state.
 *  - Errors follow err.h: negative errno plus a message naming the step. */
#ifndef ISOVM_VM_H
#define ISOVM_VM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct vm;

/* Options from the command line (validated by main before vm_create). */
struct vm_config {
	const char *kernel_path;
	const char *initrd_path;
	const char *cmdline; /* may be NULL */
	uint64_t mem_mib;
	unsigned int cpus;
	const char *tap_name;	/* open this TAP (created if absent) ... */
	int tap_fd;		/* ... or use this open TAP fd (-1: none) */
	const char *netns;	/* network namespace (path or name) for the TAP */
	uint8_t mac[6];		/* guest MAC (valid when net is configured) */
	const char *console;	/* "stdout", "none" or a file path */
	int events_fd;		/* bench port events (port_wire.h lines), -1: none */
	unsigned int timeout_s; /* kill a hung guest after this long, 0: never */
};

/* Guest RAM: one anonymous mapping at guest-physical 0. */
struct guest_mem {
	uint8_t *host;
	uint64_t size;
};

/* Host pointer for [gpa, gpa+len) if it lies wholly inside guest RAM
 * (overflow-safe), else NULL. */
void *guest_mem_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len);

/* A bus maps address ranges to device handlers; registration rejects
 * overlaps. Offsets passed to handlers are relative to the range base. */
struct bus_ops {
	void (*read)(void *opaque, uint64_t offset, void *data, uint32_t len);
	void (*write)(void *opaque, uint64_t offset, const void *data, uint32_t len);
};

struct bus;

enum vm_bus_kind {
	VM_BUS_PIO,
	VM_BUS_MMIO,
};

/* Register [base, base+len) on the VM's PIO or MMIO bus. -EEXIST on overlap. */
int vm_bus_register(struct vm *vm, enum vm_bus_kind kind, uint64_t base, uint64_t len,
		    const struct bus_ops *ops, void *opaque, const char *name, struct iso_err *err);
/* Move or remove a registered range (PCI BAR reprogramming). base == 0
 * unmaps. -EEXIST on overlap, -ENOENT when `opaque`/`old_base` is unknown. */
int vm_bus_move(struct vm *vm, enum vm_bus_kind kind, uint64_t old_base, uint64_t new_base,
		struct iso_err *err);

/* Interrupts through the in-kernel irqchip. */
int vm_irq_line(struct vm *vm, unsigned int gsi, int level);
int vm_signal_msi(struct vm *vm, uint64_t addr, uint32_t data);

struct guest_mem *vm_guest_mem(struct vm *vm);
const struct vm_config *vm_config(struct vm *vm);
int vm_kvm_fd(struct vm *vm); /* /dev/kvm */
int vm_fd(struct vm *vm);     /* the KVM VM fd (irqfd, ioeventfd) */

/* Ask the VM to stop: every vCPU leaves KVM_RUN and the run loop returns
 * `status` as isovm's exit status (first request wins). */
void vm_request_stop(struct vm *vm, int status);

/* Devices register through one table (device_table.c), set up in order. A
 * device whose option is absent returns 0 without registering anything. */
struct vm_device {
	const char *name;
	int (*setup)(struct vm *vm, struct iso_err *err);
	void (*teardown)(struct vm *vm); /* idempotent; handles half setup */
};

extern const struct vm_device vm_devices[];
extern const size_t vm_devices_count;

#endif
