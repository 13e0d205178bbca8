/* isovm's internal API: the VM object, checked guest memory, the I/O and
 * MMIO buses, interrupts, the main-thread I/O loop, and the device table.
 * Every device file (serial.c, pci.c, virtio_net.c, ...) uses only what is
 * declared here.
 *
 * Contracts:
 *  - The guest is hostile. Every guest-physical address and length goes
 *    through guest_mem_ptr(); a NULL result fails that request, never the
 *    monitor.
 *  - Bus handlers run on vCPU threads (stacks of VM_VCPU_STACK_BYTES: no
 *    large buffers on the stack); a device serialises its own state.
 *  - fd callbacks registered with vm_io_add_fd() run on the main thread,
 *    which is isovm's only I/O thread: threads = 1 + vCPUs, nothing else.
 *  - Errors follow err.h: negative errno plus a message naming the step.
 *    Library code never prints, except vm_log() diagnostics under --verbose.
 *
 * Construction order (main.c): boot_linux_open/plan (inputs checked before
 * KVM is touched) -> vm_create (KVM VM, irqchip, PIT, memory, devices in
 * table order) -> boot_linux_load -> vm_run (vCPU threads, I/O loop until
 * a stop request) -> vm_destroy. */
#ifndef ISOVM_VM_H
#define ISOVM_VM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct vm;
struct bench_event;

/* isovm's exit status. 0..239 is the workload's status from the bench
 * port's EXIT event; the codes below are isovm's own (a workload status
 * >= 240 is therefore ambiguous: the EXIT event line carries it exactly). */
enum isovm_exit {
	ISOVM_EXIT_USAGE = 240,	      /* bad command line */
	ISOVM_EXIT_FILE = 241,	      /* kernel or initrd cannot be read */
	ISOVM_EXIT_NOT_BZIMAGE = 242, /* kernel file is not a bzImage */
	ISOVM_EXIT_PROTOCOL = 243,    /* boot protocol too old / no 64-bit entry */
	ISOVM_EXIT_INITRD_FIT = 244,  /* initramfs does not fit */
	ISOVM_EXIT_MEM_SMALL = 245,   /* memory too small for the kernel */
	ISOVM_EXIT_HOST = 246,	      /* KVM or host failure (also device setup) */
	ISOVM_EXIT_NO_EXIT = 247,     /* guest stopped without an EXIT event */
	ISOVM_EXIT_TIMEOUT = 248,     /* --timeout expired */
	ISOVM_EXIT_SIGNAL = 249,      /* stopped by SIGTERM/SIGINT */
};

/* Options from the command line (validated by main before vm_create). */
struct vm_config {
	const char *kernel_path;
	const char *initrd_path;
	const char *cmdline; /* user's command line; may be NULL */
	uint64_t mem_mib;
	unsigned int cpus;
	const char *tap_name;	/* open this TAP (created if absent) ... */
	int tap_fd;		/* ... or use this open TAP fd (-1: none) */
	const char *netns;	/* network namespace (path or name) for the TAP */
	uint8_t mac[6];		/* guest MAC (valid when has_mac) */
	bool has_mac;		/* --mac given; else the device picks one */
	bool virtio_legacy;	/* offer only the legacy virtio-pci interface */
	const char *console;	/* "stdout", "none" or a file path */
	int events_fd;		/* bench port events (port_wire.h lines), -1: none */
	unsigned int timeout_s; /* kill a hung guest after this long, 0: never */
	bool hugepages;		/* back guest RAM with transparent hugepages */
	bool verbose;		/* log ignored port/MMIO accesses to stderr */
};

/* Guest-physical memory map (see also boot_linux.h for the boot area).
 *
 *   0               .. VM_LOWMEM_END      RAM (e820 usable, minus the
 *                                         BIOS area 0x9fc00..0x100000)
 *   VM_MMIO_START   .. VM_MMIO_END        free for device MMIO (PCI BARs)
 *   VM_KVM_TSS_ADDR .. +3 pages           KVM's private TSS/identity map
 *   VM_IOAPIC_ADDR, VM_LAPIC_ADDR         in-kernel irqchip
 *
 * Guest RAM is one mapping at guest-physical 0 and never reaches the MMIO
 * hole: --mem is capped at VM_MEM_MAX_MIB. */
#define VM_MMIO_START	  0xc0000000ull /* 3 GiB */
#define VM_MMIO_END	  0xfbffffffull
#define VM_KVM_TSS_ADDR	  0xfffbd000ull /* KVM_SET_TSS_ADDR: 3 pages */
#define VM_KVM_IDMAP_ADDR 0xfffbc000ull /* KVM_SET_IDENTITY_MAP_ADDR: 1 page */
#define VM_IOAPIC_ADDR	  0xfec00000ull
#define VM_LAPIC_ADDR	  0xfee00000ull
#define VM_MEM_MAX_MIB	  3072u
#define VM_CPUS_MAX	  64u

/* IRQ lines (GSIs on the in-kernel IOAPIC) used by the core; devices take
 * others (ACPI's MADT maps ISA IRQs 0..15 one to one, 16..23 are free). */
#define VM_IRQ_COM1 4

#define VM_VCPU_STACK_BYTES (256u * 1024u)

/* Guest RAM: one anonymous mapping at guest-physical 0. */
struct guest_mem {
	uint8_t *host;
	uint64_t size;
};

/* Host pointer for [gpa, gpa+len) if it lies wholly inside guest RAM
 * (overflow-safe; len 0 is allowed for gpa <= size), else NULL. */
void *guest_mem_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len);

/* A bus maps address ranges to device handlers; registration rejects
 * overlaps. Offsets passed to handlers are relative to the range base.
 * `len` is the access width in bytes (1, 2, 4 or 8). A `rep outs/ins` of
 * N elements calls the handler N times. Accesses that hit no range are
 * ignored (reads return all ones), counted, and logged under --verbose. */
struct bus_ops {
	void (*read)(void *opaque, uint64_t offset, void *data, uint32_t len);
	void (*write)(void *opaque, uint64_t offset, const void *data, uint32_t len);
};

enum vm_bus_kind {
	VM_BUS_PIO,
	VM_BUS_MMIO,
};

/* Register [base, base+len) on the VM's PIO or MMIO bus. `name` must
 * outlive the VM (a string literal). -EEXIST on overlap (message names
 * both devices), -EINVAL for len 0 or a wrapping range. Not safe against
 * concurrent dispatch: register from setup(), or use vm_bus_move(). */
int vm_bus_register(struct vm *vm, enum vm_bus_kind kind, uint64_t base, uint64_t len,
		    const struct bus_ops *ops, void *opaque, const char *name, struct iso_err *err);
/* Move the range registered at `old_base` to `new_base` (PCI BAR
 * reprogramming; callable from a bus handler). A range moved to base 0 is
 * unmapped (never dispatched) but stays registered: move it back with
 * old_base 0 and `opaque` telling which. The caller keeps its current base.
 * -EEXIST on overlap, -ENOENT when no range at `old_base` has `opaque`. */
int vm_bus_move(struct vm *vm, enum vm_bus_kind kind, uint64_t old_base, uint64_t new_base,
		void *opaque, struct iso_err *err);

/* Interrupts through the in-kernel irqchip (KVM_IRQ_LINE, KVM_SIGNAL_MSI).
 * Return 0 or a negative errno. */
int vm_irq_line(struct vm *vm, unsigned int gsi, int level);
int vm_signal_msi(struct vm *vm, uint64_t addr, uint32_t data);

struct guest_mem *vm_guest_mem(struct vm *vm);
const struct vm_config *vm_config(struct vm *vm);
int vm_kvm_fd(struct vm *vm); /* /dev/kvm */
int vm_fd(struct vm *vm);     /* the KVM VM fd (irqfd, ioeventfd) */

/* Main-thread I/O loop (epoll). `fn` runs on the main thread with the
 * epoll event mask whenever `fd` is ready for `events` (EPOLLIN, ...).
 * The VM does not own `fd`; remove it before closing it. */
typedef void (*vm_io_fn)(void *opaque, uint32_t events);
int vm_io_add_fd(struct vm *vm, int fd, uint32_t events, vm_io_fn fn, void *opaque,
		 struct iso_err *err);
void vm_io_del_fd(struct vm *vm, int fd);

/* Ask the VM to stop: every vCPU leaves KVM_RUN and vm_run() returns
 * `status` as isovm's exit status (first request wins). Any thread. */
void vm_request_stop(struct vm *vm, int status);

/* Stop because of a failure (device or vCPU thread): the first error is
 * kept for main to print, and the VM stops with ISOVM_EXIT_HOST. */
void vm_fail(struct vm *vm, const struct iso_err *err);

/* Write a `PHASE name` event line (stamped now) to --events-fd, if any. */
void vm_emit_phase(struct vm *vm, const char *name);

/* Output from any isovm thread (console, event lines): write all of
 * `buf` to `fd`. A write that blocks (a full pipe, a stopped terminal) is
 * interrupted by the vCPU kick and retried only while no stop is
 * requested, so a stalled reader never keeps isovm from stopping. Returns
 * 0, -ECANCELED when a stop cut it short, or another negative errno. */
int vm_write_all(struct vm *vm, int fd, const void *buf, size_t len);

/* `ev` as one event line (port_wire.h) to `fd` with vm_write_all(). */
int vm_write_event(struct vm *vm, int fd, const struct bench_event *ev, struct iso_err *err);

/* Diagnostic line on stderr, only under --verbose. */
void vm_log(struct vm *vm, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Devices register through one table (device_table.c), set up in order
 * by vm_create() and torn down in reverse by vm_destroy(). A device whose
 * option is absent returns 0 without registering anything. `*priv` is the
 * device's own state (NULL on entry); teardown gets it back, also after a
 * failed or partial setup, and must accept NULL. */
struct vm_device {
	const char *name;
	int (*setup)(struct vm *vm, void **priv, struct iso_err *err);
	void (*teardown)(struct vm *vm, void *priv);
};

extern const struct vm_device vm_devices[];
extern const size_t vm_devices_count;

/* Lifecycle, used by main.c. */
int vm_create(const struct vm_config *cfg, struct vm **out, struct iso_err *err);
/* Run until a stop request; returns the exit status (>= 0), or a negative
 * errno when the VM could not start (then `err` says why). After a run
 * stopped by vm_fail(), `err` holds that failure and ISOVM_EXIT_HOST is
 * returned. */
struct vcpu_entry;
int vm_run(struct vm *vm, const struct vcpu_entry *entry, struct iso_err *err);
/* Idempotent; joins every thread, frees every mapping and descriptor. */
void vm_destroy(struct vm *vm);

#endif
