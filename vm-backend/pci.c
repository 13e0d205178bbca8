/* PCI host bridge and bus 0 config space through mechanism #1 (0xCF8/0xCFC). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "device_table.h"
#include "pci.h"

#define PCI_CONFIG_ENABLE	0x80000000u
#define PCI_CONFIG_ADDRESS_MASK 0x80fffffcu /* bits 30:24 reserved, 1:0 zero */
#define PCI_SLOTS		32

/* Host bridge identity: Red Hat's "QEMU PCIe host bridge" ID, which no
 * Linux driver or quirk claims; the class is what Linux's conf1 sanity
 * check looks for (arch/x86/pci/direct.c). */
#define PCI_BRIDGE_VENDOR 0x1b36
#define PCI_BRIDGE_DEVICE 0x0008

/* INTx lines: ISA IRQs that the core's MADT leaves free. Without an ACPI
 * _PRT, Linux uses PCI_INTERRUPT_LINE when it is an ISA IRQ ("no GSI -
 * using ISA IRQ"). One line per device: KVM_IRQ_LINE has one source per
 * line, so lines are not shared. */
static const unsigned int pci_intx_irqs[] = {10, 11};

struct pci_host {
	struct vm *vm;
	pthread_mutex_t lock;
	bool lock_ready;
	uint32_t address; /* CONFIG_ADDRESS latch */
	struct pci_dev bridge;
	struct pci_dev *slots[PCI_SLOTS];
	uint32_t io_next;
	uint64_t mmio_next;
	unsigned int intx_next;
};

/* isovm runs one VM per process; its host bridge is found from the vm. */
static struct pci_host *pci_host_current;

static uint16_t cfg_read16(const struct pci_dev *dev, uint32_t off)
{
	uint16_t v;

	memcpy(&v, dev->cfg + off, sizeof(v));
	return v;
}

static uint32_t cfg_read32(const struct pci_dev *dev, uint32_t off)
{
	uint32_t v;

	memcpy(&v, dev->cfg + off, sizeof(v));
	return v;
}

static void cfg_write32(struct pci_dev *dev, uint32_t off, uint32_t v)
{
	memcpy(dev->cfg + off, &v, sizeof(v));
}

void pci_dev_init(struct pci_dev *dev, uint16_t vendor, uint16_t device, uint32_t class_code,
		  uint8_t revision, uint16_t subsys_vendor, uint16_t subsys_id)
{
	memset(dev, 0, sizeof(*dev));
	memcpy(dev->cfg + PCI_VENDOR_ID, &vendor, 2);
	memcpy(dev->cfg + PCI_DEVICE_ID, &device, 2);
	dev->cfg[PCI_REVISION] = revision;
	dev->cfg[PCI_CLASS_PROG] = class_code & 0xff;
	dev->cfg[PCI_CLASS_PROG + 1] = (class_code >> 8) & 0xff;
	dev->cfg[PCI_CLASS_PROG + 2] = (class_code >> 16) & 0xff;
	memcpy(dev->cfg + PCI_SUBSYS_VENDOR_ID, &subsys_vendor, 2);
	memcpy(dev->cfg + PCI_SUBSYS_ID, &subsys_id, 2);
	/* Writable header bits (§6.2): command (I/O, memory, bus master,
	 * INTx disable), cache line size, latency timer, interrupt line. BAR
	 * bits are set by pci_dev_add() from their sizes. */
	dev->wmask[PCI_COMMAND] = PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	dev->wmask[PCI_COMMAND + 1] = PCI_COMMAND_INTX_OFF >> 8;
	dev->wmask[0x0c] = 0xff;
	dev->wmask[0x0d] = 0xff;
	dev->wmask[PCI_INTERRUPT_LINE] = 0xff;
	dev->cap_end = PCI_CAP_START;
}

int pci_dev_add_cap(struct pci_dev *dev, const void *body, uint8_t len, struct iso_err *err)
{
	uint8_t off = dev->cap_end, prev;

	/* Capabilities are dword aligned (§6.7). */
	if (len < 2 || off + (unsigned int)len > PCI_CFG_BYTES)
		return iso_err_input(err, -ENOSPC, "pci: capability of %u bytes does not fit", len);
	memcpy(dev->cfg + off, body, len);
	dev->cfg[off + 1] = 0;
	if (!(dev->cfg[PCI_STATUS] & PCI_STATUS_CAP_LIST)) {
		dev->cfg[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
		dev->cfg[PCI_CAP_PTR] = off;
	} else {
		for (prev = dev->cfg[PCI_CAP_PTR]; dev->cfg[prev + 1]; prev = dev->cfg[prev + 1])
			;
		dev->cfg[prev + 1] = off;
	}
	dev->cap_end = (uint8_t)((off + len + 3) & ~3u);
	return off;
}

/* Where the guest's BAR value and command register say the BAR decodes,
 * or 0 when it must not decode: disabled, or outside the window (a BAR
 * being sized holds all ones; mapping it would shadow other devices). */
static uint64_t bar_wanted_base(const struct pci_dev *dev, unsigned int i)
{
	const struct pci_bar *bar = &dev->bar[i];
	uint16_t cmd = cfg_read16(dev, PCI_COMMAND);
	uint32_t val = cfg_read32(dev, PCI_BAR0 + 4 * i);
	uint64_t base;

	switch (bar->kind) {
	case PCI_BAR_IO:
		base = val & ~3u;
		if (!(cmd & PCI_COMMAND_IO) || base < PCI_IO_WINDOW_START ||
		    base + bar->size > PCI_IO_WINDOW_END)
			return 0;
		return base;
	case PCI_BAR_MEM32:
		base = val & ~0xfu;
		if (!(cmd & PCI_COMMAND_MEMORY) || base < VM_MMIO_START ||
		    base + bar->size - 1 > VM_MMIO_END)
			return 0;
		return base;
	case PCI_BAR_UNUSED:
		break;
	}
	return 0;
}

static enum vm_bus_kind bar_bus(const struct pci_bar *bar)
{
	return bar->kind == PCI_BAR_IO ? VM_BUS_PIO : VM_BUS_MMIO;
}

static void bar_update(struct pci_dev *dev, unsigned int i)
{
	struct pci_bar *bar = &dev->bar[i];
	uint64_t want = bar_wanted_base(dev, i), old = bar->mapped;
	struct iso_err err = {0};

	if (bar->kind == PCI_BAR_UNUSED || want == bar->mapped)
		return;
	if (vm_bus_move(dev->vm, bar_bus(bar), bar->mapped, want, bar, &err) < 0) {
		/* The guest placed it over another device: it decodes nowhere. */
		vm_log(dev->vm, "pci 00:%02x.0 BAR%u -> %#llx: %s", dev->slot, i,
		       (unsigned long long)want, err.msg);
		if (bar->mapped &&
		    vm_bus_move(dev->vm, bar_bus(bar), bar->mapped, 0, bar, &err) == 0)
			bar->mapped = 0;
	} else {
		bar->mapped = want;
	}
	if (bar->mapped != old && dev->bar_moved)
		dev->bar_moved(dev, i, old, bar->mapped);
}

/* BAR accesses reach the device with BAR-relative offsets. */
static void bar_read(void *opaque, uint64_t offset, void *data, uint32_t len)
{
	struct pci_bar *bar = opaque;

	bar->ops->read(bar->opaque, offset, data, len);
}

static void bar_write(void *opaque, uint64_t offset, const void *data, uint32_t len)
{
	struct pci_bar *bar = opaque;

	bar->ops->write(bar->opaque, offset, data, len);
}

static const struct bus_ops pci_bar_ops = {.read = bar_read, .write = bar_write};

static struct pci_dev *host_target(struct pci_host *host, uint64_t port_off, uint32_t len,
				   uint32_t *reg)
{
	uint32_t a = host->address;

	if (!(a & PCI_CONFIG_ENABLE) || port_off + len > 4)
		return NULL;
	/* Bus 0, function 0 only: every device is single-function. */
	if (((a >> 16) & 0xff) != 0 || ((a >> 8) & 7) != 0)
		return NULL;
	*reg = (a & 0xfc) + (uint32_t)port_off;
	return host->slots[(a >> 11) & 0x1f];
}

static void cfg_apply_write(struct pci_dev *dev, uint32_t reg, const void *data, uint32_t len)
{
	const uint8_t *v = data;
	bool remap = false;

	for (uint32_t k = 0; k < len; k++) {
		uint32_t o = reg + k;

		dev->cfg[o] = (uint8_t)((dev->cfg[o] & ~dev->wmask[o]) | (v[k] & dev->wmask[o]));
		if (o == PCI_COMMAND || (o >= PCI_BAR0 && o < PCI_BAR0 + 4 * PCI_BARS))
			remap = true;
	}
	if (remap)
		for (unsigned int i = 0; i < PCI_BARS; i++)
			bar_update(dev, i);
	if (reg + len > PCI_CAP_START && dev->cfg_written) {
		uint32_t start = reg < PCI_CAP_START ? PCI_CAP_START : reg;

		dev->cfg_written(dev, start, reg + len - start);
	}
}

static void addr_read(void *opaque, uint64_t offset, void *data, uint32_t len)
{
	struct pci_host *host = opaque;

	memset(data, 0xff, len);
	if (offset == 0 && len == 4) {
		pthread_mutex_lock(&host->lock);
		memcpy(data, &host->address, 4);
		pthread_mutex_unlock(&host->lock);
	}
}

static void addr_write(void *opaque, uint64_t offset, const void *data, uint32_t len)
{
	struct pci_host *host = opaque;
	uint32_t v;

	/* Only dword writes latch CONFIG_ADDRESS (§3.2.2.3.2); Linux's probe
	 * pokes 0xCFB with a byte and expects nothing to change. */
	if (offset != 0 || len != 4)
		return;
	memcpy(&v, data, 4);
	pthread_mutex_lock(&host->lock);
	host->address = v & PCI_CONFIG_ADDRESS_MASK;
	pthread_mutex_unlock(&host->lock);
}

/* CONFIG_DATA: read into `out` or write `in`, the register that
 * CONFIG_ADDRESS selects; reads of no device see all ones (master abort). */
static void data_access(struct pci_host *host, uint64_t offset, uint32_t len, void *out,
			const void *in)
{
	struct pci_dev *dev;
	uint32_t reg;

	pthread_mutex_lock(&host->lock);
	dev = host_target(host, offset, len, &reg);
	if (dev && in)
		cfg_apply_write(dev, reg, in, len);
	else if (dev)
		memcpy(out, dev->cfg + reg, len);
	else if (out)
		memset(out, 0xff, len);
	pthread_mutex_unlock(&host->lock);
}

static void data_read(void *opaque, uint64_t offset, void *data, uint32_t len)
{
	data_access(opaque, offset, len, data, NULL);
}

static void data_write(void *opaque, uint64_t offset, const void *data, uint32_t len)
{
	data_access(opaque, offset, len, NULL, data);
}

static const struct bus_ops pci_addr_ops = {.read = addr_read, .write = addr_write};
static const struct bus_ops pci_data_ops = {.read = data_read, .write = data_write};

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* Give BAR i an address in its window, as firmware would. */
static int bar_assign(struct pci_host *host, struct pci_dev *dev, unsigned int i,
		      struct iso_err *err)
{
	struct pci_bar *bar = &dev->bar[i];
	uint64_t base, limit;
	uint32_t flags = 0, mask;

	if (bar->size == 0 || (bar->size & (bar->size - 1)))
		return iso_err_input(err, -EINVAL, "pci: BAR%u size %#x not a power of two", i,
				     bar->size);
	if (bar->kind == PCI_BAR_IO) {
		base = align_up(host->io_next, bar->size);
		limit = PCI_IO_WINDOW_END;
		flags = PCI_BAR_IO_FLAG;
		mask = ~(bar->size - 1) & 0xffffu; /* 16-bit decoder */
	} else {
		base = align_up(host->mmio_next, bar->size);
		limit = VM_MMIO_END + 1;
		mask = ~(bar->size - 1);
	}
	if (base + bar->size > limit)
		return iso_err_input(err, -ENOSPC, "pci: no room for BAR%u (%#x bytes)", i,
				     bar->size);
	if (bar->kind == PCI_BAR_IO)
		host->io_next = (uint32_t)(base + bar->size);
	else
		host->mmio_next = base + bar->size;
	cfg_write32(dev, PCI_BAR0 + 4 * i, (uint32_t)base | flags);
	for (unsigned int k = 0; k < 4; k++)
		dev->wmask[PCI_BAR0 + 4 * i + k] = (uint8_t)(mask >> (8 * k));
	bar->dev = dev;
	return vm_bus_register(host->vm, bar_bus(bar), base, bar->size, &pci_bar_ops, bar,
			       bar->name, err);
}

int pci_dev_add(struct vm *vm, struct pci_dev *dev, struct iso_err *err)
{
	struct pci_host *host = pci_host_current;
	unsigned int slot, i;
	uint16_t cmd = 0;
	int r;

	if (!host || host->vm != vm)
		return iso_err_input(err, -ENODEV, "pci: no host bridge");
	for (slot = 1; slot < PCI_SLOTS && host->slots[slot]; slot++)
		;
	if (slot == PCI_SLOTS)
		return iso_err_input(err, -ENOSPC, "pci: bus 0 full");
	dev->vm = vm;
	dev->slot = slot;
	for (i = 0; i < PCI_BARS; i++) {
		if (dev->bar[i].kind == PCI_BAR_UNUSED)
			continue;
		r = bar_assign(host, dev, i, err);
		if (r < 0)
			return iso_err_wrap(err, "pci 00:%02x.0", slot);
		dev->bar[i].mapped = cfg_read32(dev, PCI_BAR0 + 4 * i) & ~0xfu;
		cmd |= dev->bar[i].kind == PCI_BAR_IO ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY;
	}
	/* Decoding on, as firmware leaves it after assigning addresses. */
	memcpy(dev->cfg + PCI_COMMAND, &cmd, 2);
	if (host->intx_next < sizeof(pci_intx_irqs) / sizeof(pci_intx_irqs[0])) {
		dev->irq = pci_intx_irqs[host->intx_next++];
		dev->cfg[PCI_INTERRUPT_LINE] = (uint8_t)dev->irq;
		dev->cfg[PCI_INTERRUPT_PIN] = 1; /* INTA# */
	}
	pthread_mutex_lock(&host->lock);
	host->slots[slot] = dev;
	dev->added = true;
	pthread_mutex_unlock(&host->lock);
	return 0;
}

void pci_dev_remove(struct pci_dev *dev)
{
	struct pci_host *host = pci_host_current;
	struct iso_err err = {0};

	for (unsigned int i = 0; i < PCI_BARS; i++) {
		struct pci_bar *bar = &dev->bar[i];

		if (bar->dev && bar->mapped &&
		    vm_bus_move(dev->vm, bar_bus(bar), bar->mapped, 0, bar, &err) == 0)
			bar->mapped = 0;
	}
	if (!dev->added || !host)
		return;
	pthread_mutex_lock(&host->lock);
	host->slots[dev->slot] = NULL;
	dev->added = false;
	pthread_mutex_unlock(&host->lock);
}

void pci_dev_set_intx(struct pci_dev *dev, bool level)
{
	if (!dev->irq)
		return;
	if (level && (cfg_read16(dev, PCI_COMMAND) & PCI_COMMAND_INTX_OFF))
		return;
	vm_irq_line(dev->vm, dev->irq, level);
}

int pci_setup(struct vm *vm, void **priv, struct iso_err *err)
{
	struct pci_host *host;
	int r;

	if (pci_host_current)
		return iso_err_input(err, -EEXIST, "pci: a host bridge exists already");
	host = calloc(1, sizeof(*host));
	if (!host)
		return iso_err_set(err, -ENOMEM, "pci: allocate host bridge");
	*priv = host;
	host->vm = vm;
	r = pthread_mutex_init(&host->lock, NULL);
	if (r)
		return iso_err_set(err, -r, "pci: mutex");
	host->lock_ready = true;
	host->io_next = PCI_IO_WINDOW_START;
	host->mmio_next = VM_MMIO_START;
	pci_dev_init(&host->bridge, PCI_BRIDGE_VENDOR, PCI_BRIDGE_DEVICE, PCI_CLASS_BRIDGE_HOST, 0,
		     0, 0);
	host->bridge.vm = vm;
	host->bridge.added = true;
	host->slots[0] = &host->bridge;
	r = vm_bus_register(vm, VM_BUS_PIO, PCI_CONFIG_ADDRESS_PORT, 4, &pci_addr_ops, host,
			    "pci-config-address", err);
	if (r < 0)
		return r;
	r = vm_bus_register(vm, VM_BUS_PIO, PCI_CONFIG_DATA_PORT, 4, &pci_data_ops, host,
			    "pci-config-data", err);
	if (r < 0)
		return r;
	pci_host_current = host;
	return 0;
}

void pci_teardown(struct vm *vm, void *priv)
{
	struct pci_host *host = priv;
	struct iso_err err = {0};

	if (!host)
		return;
	/* No dispatch may reach the freed host (vCPUs are gone by now, but a
	 * failed setup can leave the ports registered). */
	vm_bus_move(vm, VM_BUS_PIO, PCI_CONFIG_ADDRESS_PORT, 0, host, &err);
	vm_bus_move(vm, VM_BUS_PIO, PCI_CONFIG_DATA_PORT, 0, host, &err);
	if (pci_host_current == host)
		pci_host_current = NULL;
	if (host->lock_ready)
		pthread_mutex_destroy(&host->lock);
	free(host);
}
