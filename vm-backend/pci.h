/* PCI bus 0 behind a host bridge at 00:00.0, reached through configuration
 * mechanism #1 (ports 0xCF8/0xCFC, PCI Local Bus 3.0 §3.2.2.3.2): config
 * space, BAR sizing and programming, capability lists, INTx lines.
 *
 * Contracts:
 *  - One host bridge per VM, set up by its device-table row before any
 *    PCI device; pci_dev_add() finds it by the vm.
 *  - A device fills its config header with pci_dev_init(), its BARs and
 *    capabilities, then calls pci_dev_add(), which picks the slot, gives
 *    each BAR an address (the guest may move it later) and maps it.
 *  - BAR accesses reach bar->ops with offsets relative to the BAR; they
 *    run on vCPU threads. Config writes run under the host's lock and then
 *    call dev->cfg_written() for bytes at PCI_CAP_START and above. */
#ifndef ISOVM_PCI_H
#define ISOVM_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "vm.h"

/* PCI 3.0 §3.2.2.3.2: CONFIG_ADDRESS at 0xCF8, CONFIG_DATA at 0xCFC. */
#define PCI_CONFIG_ADDRESS_PORT 0xcf8
#define PCI_CONFIG_DATA_PORT	0xcfc
#define PCI_CONFIG_PORTS	8

/* The windows the host bridge forwards to bus 0 (firmware-style BAR
 * addresses come from them; the ACPI _CRS of the root bridge names them):
 * I/O above the ISA/legacy ports (0xCF8 included), memory in the guest's
 * MMIO hole (vm.h memory map). */
#define PCI_IO_WINDOW_START 0xc000u
#define PCI_IO_WINDOW_END   0x10000u

#define PCI_CFG_BYTES 256  /* conventional config space */
#define PCI_CAP_START 0x40 /* first byte after the type 0 header */
#define PCI_BARS      6

/* Type 0 header offsets and bits (PCI 3.0 §6.1, §6.2). */
#define PCI_VENDOR_ID	     0x00
#define PCI_DEVICE_ID	     0x02
#define PCI_COMMAND	     0x04
#define PCI_STATUS	     0x06
#define PCI_REVISION	     0x08
#define PCI_CLASS_PROG	     0x09
#define PCI_HEADER_TYPE	     0x0e
#define PCI_BAR0	     0x10
#define PCI_SUBSYS_VENDOR_ID 0x2c
#define PCI_SUBSYS_ID	     0x2e
#define PCI_CAP_PTR	     0x34
#define PCI_INTERRUPT_LINE   0x3c
#define PCI_INTERRUPT_PIN    0x3d

#define PCI_COMMAND_IO		0x0001
#define PCI_COMMAND_MEMORY	0x0002
#define PCI_COMMAND_MASTER	0x0004
#define PCI_COMMAND_INTX_OFF	0x0400
#define PCI_STATUS_CAP_LIST	0x0010
#define PCI_BAR_IO_FLAG		0x1
#define PCI_CAP_ID_MSIX		0x11
#define PCI_CAP_ID_VENDOR	0x09
#define PCI_CLASS_BRIDGE_HOST	0x060000
#define PCI_CLASS_NETWORK_ETHER 0x020000

enum pci_bar_kind {
	PCI_BAR_UNUSED = 0,
	PCI_BAR_IO,    /* 16-bit port I/O */
	PCI_BAR_MEM32, /* 32-bit non-prefetchable memory */
};

struct pci_dev;

struct pci_bar {
	enum pci_bar_kind kind;
	uint32_t size; /* power of two: >= 4 (I/O), >= 4096 (memory) */
	const struct bus_ops *ops;
	void *opaque;	  /* passed to ops */
	const char *name; /* string literal, for bus messages */

	/* Owned by pci.c. */
	struct pci_dev *dev;
	uint64_t mapped; /* current bus base, 0: unmapped */
};

struct pci_dev {
	uint8_t cfg[PCI_CFG_BYTES];
	/* Guest-writable bits of each byte at PCI_CAP_START and above (the
	 * header's writable bits are pci.c's business). */
	uint8_t wmask[PCI_CFG_BYTES];
	struct pci_bar bar[PCI_BARS];
	/* Called after a guest write to [off, off+len) with off >=
	 * PCI_CAP_START, host lock held; may be NULL. */
	void (*cfg_written)(struct pci_dev *dev, uint32_t off, uint32_t len);
	/* Called when the guest moved BAR `bar` from `old_base` to `new_base`
	 * (0: unmapped), host lock held; may be NULL. */
	void (*bar_moved)(struct pci_dev *dev, unsigned int bar, uint64_t old_base,
			  uint64_t new_base);
	void *opaque; /* the owning device, for the hooks */

	/* Set by pci_dev_add(). */
	struct vm *vm;
	unsigned int slot;
	unsigned int irq; /* INTx line (GSI), 0: none */
	bool added;
	uint8_t cap_end; /* next free capability offset */
};

/* Clear `dev` and fill the identity registers (class is the 24-bit
 * class/subclass/prog-if). */
void pci_dev_init(struct pci_dev *dev, uint16_t vendor, uint16_t device, uint32_t class_code,
		  uint8_t revision, uint16_t subsys_vendor, uint16_t subsys_id);

/* Append a capability of `len` bytes (`body` starts with the ID byte; the
 * next pointer is filled in) to the list. Returns its config offset, or
 * -ENOSPC when config space is full. */
int pci_dev_add_cap(struct pci_dev *dev, const void *body, uint8_t len, struct iso_err *err);

/* Put `dev` on bus 0 of `vm`'s host bridge: pick a slot, assign and map
 * the BARs, pick an INTx line. -ENODEV without a host bridge, -ENOSPC
 * when slots, lines or windows run out, bus errors otherwise. */
int pci_dev_add(struct vm *vm, struct pci_dev *dev, struct iso_err *err);

/* Unmap the BARs and free the slot. Idempotent; accepts a device that was
 * never added. */
void pci_dev_remove(struct pci_dev *dev);

/* Drive the device's INTx line (level-triggered). No-op without a line. */
void pci_dev_set_intx(struct pci_dev *dev, bool level);

#endif
