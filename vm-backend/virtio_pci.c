/* virtio-pci transport: modern capabilities, legacy I/O registers, MSI-X. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "kvm_ioctl.h"
#include "pci.h"
#include "virtio_pci.h"

/* Device status bits (§2.1). */
#define VIRTIO_STATUS_DRIVER_OK	  4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 0x40

/* ISR bits (§4.1.4.5). */
#define VIRTIO_ISR_QUEUE  1
#define VIRTIO_ISR_CONFIG 2

#define VIRTIO_MSI_NO_VECTOR 0xffff /* §4.1.4.3 */

/* Capability types (§4.1.4). */
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG	  3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4

/* BAR 0: legacy registers (§4.1.4.8), I/O space. BAR 1: the modern
 * structures and the MSI-X table, one page each, in memory space. */
#define VPCI_LEGACY_BAR	      0
#define VPCI_MODERN_BAR	      1
#define VPCI_LEGACY_BAR_BYTES 0x40
#define VPCI_COMMON_OFF	      0x0000
#define VPCI_ISR_OFF	      0x1000
#define VPCI_DEVICE_OFF	      0x2000
#define VPCI_NOTIFY_OFF	      0x3000
#define VPCI_MSIX_TABLE_OFF   0x4000
#define VPCI_MSIX_PBA_OFF     0x5000
#define VPCI_MODERN_BAR_BYTES 0x8000
#define VPCI_REGION_BYTES     0x1000
#define VPCI_NOTIFY_MULT      4 /* notify_off_multiplier: one dword per queue */

/* Legacy register offsets (§4.1.4.8). */
#define VPCI_LEG_HOST_FEATURES	0
#define VPCI_LEG_GUEST_FEATURES 4
#define VPCI_LEG_QUEUE_PFN	8
#define VPCI_LEG_QUEUE_SIZE	12
#define VPCI_LEG_QUEUE_SEL	14
#define VPCI_LEG_QUEUE_NOTIFY	16
#define VPCI_LEG_STATUS		18
#define VPCI_LEG_ISR		19
#define VPCI_LEG_CONFIG_VECTOR	20
#define VPCI_LEG_QUEUE_VECTOR	22
#define VPCI_LEG_CONFIG		20 /* 24 when MSI-X is enabled */
#define VPCI_LEG_CONFIG_MSIX	24

/* MSI-X (PCI 3.0 §6.8.2): message control bits, table entry layout. */
#define MSIX_CTRL_ENABLE  0x8000
#define MSIX_CTRL_MASKALL 0x4000
#define MSIX_ENTRY_BYTES  16
#define MSIX_ENTRY_MASKED 1
#define VPCI_MSIX_VECTORS (VIRTIO_PCI_QUEUES_MAX + 1) /* config + one per queue */
_Static_assert(VPCI_MSIX_VECTORS <= 64, "pending bits are one uint64_t");

/* Transitional PCI device IDs are 0x1000 + device type - 1 (§4.1.2.3). */
#define VIRTIO_PCI_DEV_ID0 0x1000

/* struct virtio_pci_common_cfg (§4.1.4.3). */
struct vpci_common {
	uint32_t device_feature_select;
	uint32_t device_feature;
	uint32_t driver_feature_select;
	uint32_t driver_feature;
	uint16_t msix_config;
	uint16_t num_queues;
	uint8_t device_status;
	uint8_t config_generation;
	uint16_t queue_select;
	uint16_t queue_size;
	uint16_t queue_msix_vector;
	uint16_t queue_enable;
	uint16_t queue_notify_off;
	uint64_t queue_desc;
	uint64_t queue_driver;
	uint64_t queue_device;
};
_Static_assert(sizeof(struct vpci_common) == 56, "virtio_pci_common_cfg layout");

/* struct virtio_pci_cap / virtio_pci_notify_cap (§4.1.4). */
struct vpci_cap {
	uint8_t cap_vndr;
	uint8_t cap_next;
	uint8_t cap_len;
	uint8_t cfg_type;
	uint8_t bar;
	uint8_t padding[3];
	uint32_t offset;
	uint32_t length;
	uint32_t notify_off_multiplier; /* notify capability only */
};

struct vpci_msix_cap {
	uint8_t cap_id;
	uint8_t cap_next;
	uint16_t msg_ctrl;
	uint32_t table;
	uint32_t pba;
};

struct vpci_queue {
	struct virtq q;
	uint16_t vector;
	bool enabled; /* driver set queue_enable / a legacy PFN */
	uint32_t legacy_pfn;

	/* Modern notify writes go to an eventfd (KVM_IOEVENTFD) that the main
	 * I/O loop serves: no exit to userspace on the vCPU. */
	struct virtio_pci *vp;
	unsigned int index;
	int kick_fd;	    /* -1: none */
	bool kick_io_added; /* in the main I/O loop */
	uint64_t kick_addr; /* bound notify address, 0: unbound */
};

struct vpci_msix_entry {
	uint32_t addr_lo;
	uint32_t addr_hi;
	uint32_t data;
	uint32_t ctrl;
};

struct virtio_pci {
	struct pci_dev pci;
	struct vm *vm;
	struct virtio_pci_config cfg;
	pthread_mutex_t lock;
	bool lock_ready;

	uint8_t status;
	uint32_t device_feature_select;
	uint32_t driver_feature_select;
	uint64_t driver_features;
	uint16_t queue_select;
	uint16_t config_vector;
	uint8_t isr;
	struct vpci_queue queues[VIRTIO_PCI_QUEUES_MAX];

	uint8_t msix_cap;
	bool msix_enabled;
	bool msix_masked;
	struct vpci_msix_entry msix[VPCI_MSIX_VECTORS];
	uint64_t msix_pending;
};

void virtio_pci_lock(struct virtio_pci *vp)
{
	pthread_mutex_lock(&vp->lock);
}

void virtio_pci_unlock(struct virtio_pci *vp)
{
	pthread_mutex_unlock(&vp->lock);
}

struct virtq *virtio_pci_queue(struct virtio_pci *vp, unsigned int q)
{
	return &vp->queues[q].q;
}

static uint64_t offered_features(const struct virtio_pci *vp)
{
	return vp->cfg.features | (vp->cfg.legacy_only ? 0 : VIRTIO_BIT(VIRTIO_F_VERSION_1));
}

static unsigned int msix_vectors(const struct virtio_pci *vp)
{
	return vp->cfg.num_queues + 1;
}

static void msix_deliver(struct virtio_pci *vp, unsigned int v)
{
	const struct vpci_msix_entry *e = &vp->msix[v];

	vm_signal_msi(vp->vm, ((uint64_t)e->addr_hi << 32) | e->addr_lo, e->data);
}

/* Raise `vector` under MSI-X, or the INTx line with `isr_bit` otherwise. */
static void raise_irq(struct virtio_pci *vp, uint16_t vector, uint8_t isr_bit)
{
	if (!vp->msix_enabled) {
		vp->isr |= isr_bit;
		pci_dev_set_intx(&vp->pci, true);
		return;
	}
	if (vector >= msix_vectors(vp))
		return; /* VIRTIO_MSI_NO_VECTOR: the driver wants none */
	if (vp->msix_masked || (vp->msix[vector].ctrl & MSIX_ENTRY_MASKED)) {
		vp->msix_pending |= UINT64_C(1) << vector;
		return;
	}
	msix_deliver(vp, vector);
}

/* Deliver what became unmasked (PCI 3.0 §6.8.3.5 pending bits). */
static void msix_flush_pending(struct virtio_pci *vp)
{
	if (!vp->msix_enabled || vp->msix_masked)
		return;
	for (unsigned int v = 0; v < msix_vectors(vp); v++) {
		if (!(vp->msix_pending & (UINT64_C(1) << v)) ||
		    (vp->msix[v].ctrl & MSIX_ENTRY_MASKED))
			continue;
		vp->msix_pending &= ~(UINT64_C(1) << v);
		msix_deliver(vp, v);
	}
}

void virtio_pci_queue_done(struct virtio_pci *vp, unsigned int q)
{
	if (virtq_needs_interrupt(&vp->queues[q].q))
		raise_irq(vp, vp->queues[q].vector, VIRTIO_ISR_QUEUE);
}

void virtio_pci_fail(struct virtio_pci *vp, const struct iso_err *err)
{
	if (vp->status & VIRTIO_STATUS_NEEDS_RESET)
		return;
	vm_log(vp->vm, "%s: device needs reset: %s", vp->cfg.name, err->msg);
	vp->status |= VIRTIO_STATUS_NEEDS_RESET;
	for (unsigned int q = 0; q < vp->cfg.num_queues; q++)
		virtq_stop(&vp->queues[q].q);
	raise_irq(vp, vp->config_vector, VIRTIO_ISR_CONFIG);
}

static bool started(const struct virtio_pci *vp)
{
	return (vp->status & VIRTIO_STATUS_DRIVER_OK) && !(vp->status & VIRTIO_STATUS_NEEDS_RESET);
}

static void device_reset(struct virtio_pci *vp)
{
	vp->cfg.ops->reset(vp->cfg.dev);
	vp->status = 0;
	vp->device_feature_select = 0;
	vp->driver_feature_select = 0;
	vp->driver_features = 0;
	vp->queue_select = 0;
	vp->config_vector = VIRTIO_MSI_NO_VECTOR;
	vp->isr = 0;
	pci_dev_set_intx(&vp->pci, false);
	for (unsigned int q = 0; q < vp->cfg.num_queues; q++) {
		struct vpci_queue *vq = &vp->queues[q];

		virtq_stop(&vq->q);
		vq->q = (struct virtq){.size = vp->cfg.queue_size};
		vq->vector = VIRTIO_MSI_NO_VECTOR;
		vq->enabled = false;
		vq->legacy_pfn = 0;
	}
}

/* DRIVER_OK: validate the rings the driver set up and start the device. */
static void device_start(struct virtio_pci *vp)
{
	struct guest_mem *mem = vm_guest_mem(vp->vm);
	struct iso_err err = {0};

	for (unsigned int q = 0; q < vp->cfg.num_queues; q++) {
		struct vpci_queue *vq = &vp->queues[q];

		if (!vq->enabled)
			continue;
		vq->q.event_idx = vp->driver_features & VIRTIO_BIT(VIRTIO_F_EVENT_IDX);
		if (virtq_start(&vq->q, mem, &err) < 0) {
			iso_err_wrap(&err, "queue %u", q);
			virtio_pci_fail(vp, &err);
			return;
		}
	}
	vm_log(vp->vm, "%s: driver ok (%s interface, %s), features %#llx", vp->cfg.name,
	       vp->driver_features & VIRTIO_BIT(VIRTIO_F_VERSION_1) ? "modern" : "legacy",
	       vp->msix_enabled ? "MSI-X" : "INTx", (unsigned long long)vp->driver_features);
	if (vp->cfg.ops->start(vp->cfg.dev, vp->driver_features, &err) < 0)
		virtio_pci_fail(vp, &err);
}

static void status_write(struct virtio_pci *vp, uint8_t v)
{
	uint8_t old = vp->status;

	if (v == 0) {
		device_reset(vp);
		return;
	}
	/* The driver cannot set or clear NEEDS_RESET; FEATURES_OK sticks only
	 * for a subset of what was offered (§2.2.2, §3.1.1). */
	v = (uint8_t)((v & ~VIRTIO_STATUS_NEEDS_RESET) | (old & VIRTIO_STATUS_NEEDS_RESET));
	if ((v & VIRTIO_STATUS_FEATURES_OK) && !(old & VIRTIO_STATUS_FEATURES_OK) &&
	    (vp->driver_features & ~offered_features(vp)))
		v &= (uint8_t)~VIRTIO_STATUS_FEATURES_OK;
	vp->status = v;
	if ((v & VIRTIO_STATUS_DRIVER_OK) && !(old & VIRTIO_STATUS_DRIVER_OK))
		device_start(vp);
}

static void queue_notify(struct virtio_pci *vp, unsigned int q)
{
	if (q < vp->cfg.num_queues && started(vp))
		vp->cfg.ops->notify(vp->cfg.dev, q);
}

static struct vpci_queue *selected_queue(struct virtio_pci *vp)
{
	return vp->queue_select < vp->cfg.num_queues ? &vp->queues[vp->queue_select] : NULL;
}

static uint16_t vector_or_none(const struct virtio_pci *vp, uint16_t v)
{
	/* §4.1.5.1.2: an unusable vector reads back as NO_VECTOR. */
	return v < msix_vectors(vp) ? v : VIRTIO_MSI_NO_VECTOR;
}

static void isr_read(struct virtio_pci *vp, void *data, uint32_t len)
{
	/* Reading clears the ISR and deasserts INTx (§4.1.4.5). */
	memset(data, 0, len);
	*(uint8_t *)data = vp->isr;
	vp->isr = 0;
	pci_dev_set_intx(&vp->pci, false);
}

static void config_read(struct virtio_pci *vp, uint64_t off, void *data, uint32_t len)
{
	memset(data, 0, len);
	if (off + len <= vp->cfg.config_len)
		vp->cfg.ops->config_read(vp->cfg.dev, (uint32_t)off, data, len);
}

/* ---- modern common configuration (§4.1.4.3) ---- */

static void common_snapshot(const struct virtio_pci *vp, struct vpci_common *c)
{
	const struct vpci_queue *vq =
		vp->queue_select < vp->cfg.num_queues ? &vp->queues[vp->queue_select] : NULL;
	uint64_t f = offered_features(vp);

	memset(c, 0, sizeof(*c));
	c->device_feature_select = vp->device_feature_select;
	if (vp->device_feature_select < 2)
		c->device_feature = (uint32_t)(f >> (32 * vp->device_feature_select));
	c->driver_feature_select = vp->driver_feature_select;
	if (vp->driver_feature_select < 2)
		c->driver_feature =
			(uint32_t)(vp->driver_features >> (32 * vp->driver_feature_select));
	c->msix_config = vp->config_vector;
	c->num_queues = (uint16_t)vp->cfg.num_queues;
	c->device_status = vp->status;
	c->queue_select = vp->queue_select;
	if (vq) {
		c->queue_size = vq->q.size;
		c->queue_msix_vector = vq->vector;
		c->queue_enable = vq->enabled;
		c->queue_notify_off = vp->queue_select;
		c->queue_desc = vq->q.desc_gpa;
		c->queue_driver = vq->q.avail_gpa;
		c->queue_device = vq->q.used_gpa;
	}
}

#define FIELD_HIT(f, off, len)                                                                     \
	((off) < offsetof(struct vpci_common, f) + sizeof(((struct vpci_common *)0)->f) &&         \
	 offsetof(struct vpci_common, f) < (off) + (len))

/* Apply a write of any width: merge it into a snapshot, then act on each
 * field it touched. */
static void common_write(struct virtio_pci *vp, uint64_t off, const void *data, uint32_t len)
{
	struct vpci_queue *vq;
	struct vpci_common c;
	bool setup_open;

	if (off + len > sizeof(c))
		return;
	common_snapshot(vp, &c);
	memcpy((uint8_t *)&c + off, data, len);

	if (FIELD_HIT(device_feature_select, off, len))
		vp->device_feature_select = c.device_feature_select;
	if (FIELD_HIT(driver_feature_select, off, len))
		vp->driver_feature_select = c.driver_feature_select;
	if (FIELD_HIT(driver_feature, off, len) && vp->driver_feature_select < 2 &&
	    !(vp->status & VIRTIO_STATUS_FEATURES_OK)) {
		unsigned int shift = 32 * vp->driver_feature_select;

		vp->driver_features = (vp->driver_features & ~((uint64_t)UINT32_MAX << shift)) |
				      ((uint64_t)c.driver_feature << shift);
	}
	if (FIELD_HIT(msix_config, off, len))
		vp->config_vector = vector_or_none(vp, c.msix_config);
	if (FIELD_HIT(queue_select, off, len))
		vp->queue_select = c.queue_select;
	vq = selected_queue(vp);
	/* Queue fields are the driver's only until it enables the queue. */
	setup_open = vq && !vq->enabled && !(vp->status & VIRTIO_STATUS_DRIVER_OK);
	if (vq && FIELD_HIT(queue_msix_vector, off, len))
		vq->vector = vector_or_none(vp, c.queue_msix_vector);
	if (setup_open && FIELD_HIT(queue_size, off, len))
		vq->q.size = c.queue_size;
	if (setup_open && FIELD_HIT(queue_desc, off, len))
		vq->q.desc_gpa = c.queue_desc;
	if (setup_open && FIELD_HIT(queue_driver, off, len))
		vq->q.avail_gpa = c.queue_driver;
	if (setup_open && FIELD_HIT(queue_device, off, len))
		vq->q.used_gpa = c.queue_device;
	if (setup_open && FIELD_HIT(queue_enable, off, len) && c.queue_enable == 1)
		vq->enabled = true;
	if (FIELD_HIT(device_status, off, len))
		status_write(vp, c.device_status);
}

/* ---- MSI-X table and PBA (PCI 3.0 §6.8.2.6-7) ---- */

static void msix_table_read(struct virtio_pci *vp, uint64_t off, void *data, uint32_t len)
{
	memset(data, 0, len);
	if (off + len <= sizeof(vp->msix) && (off % len) == 0)
		memcpy(data, (uint8_t *)vp->msix + off, len);
}

static void msix_table_write(struct virtio_pci *vp, uint64_t off, const void *data, uint32_t len)
{
	if (off + len > msix_vectors(vp) * MSIX_ENTRY_BYTES || (off % len) != 0)
		return;
	memcpy((uint8_t *)vp->msix + off, data, len);
	msix_flush_pending(vp);
}

/* ---- BAR handlers ---- */

/* The page of the modern BAR that `off` falls in; a legacy-only device
 * decodes only its MSI-X table and PBA there. */
static uint64_t modern_region(const struct virtio_pci *vp, uint64_t off)
{
	uint64_t region = off & ~(uint64_t)(VPCI_REGION_BYTES - 1);

	if (vp->cfg.legacy_only && region < VPCI_MSIX_TABLE_OFF)
		return VPCI_MODERN_BAR_BYTES; /* no such region: ignored */
	return region;
}

static void modern_read(void *opaque, uint64_t off, void *data, uint32_t len)
{
	struct virtio_pci *vp = opaque;
	uint64_t region = modern_region(vp, off), rel = off - region;
	struct vpci_common c;

	memset(data, 0, len);
	virtio_pci_lock(vp);
	switch (region) {
	case VPCI_COMMON_OFF:
		if (rel + len <= sizeof(c)) {
			common_snapshot(vp, &c);
			memcpy(data, (uint8_t *)&c + rel, len);
		}
		break;
	case VPCI_ISR_OFF:
		if (rel == 0)
			isr_read(vp, data, len);
		break;
	case VPCI_DEVICE_OFF:
		config_read(vp, rel, data, len);
		break;
	case VPCI_MSIX_TABLE_OFF:
		msix_table_read(vp, rel, data, len);
		break;
	case VPCI_MSIX_PBA_OFF:
		if (rel + len <= sizeof(vp->msix_pending))
			memcpy(data, (uint8_t *)&vp->msix_pending + rel, len);
		break;
	default:
		break;
	}
	virtio_pci_unlock(vp);
}

static void modern_write(void *opaque, uint64_t off, const void *data, uint32_t len)
{
	struct virtio_pci *vp = opaque;
	uint64_t region = modern_region(vp, off), rel = off - region;

	virtio_pci_lock(vp);
	switch (region) {
	case VPCI_COMMON_OFF:
		common_write(vp, rel, data, len);
		break;
	case VPCI_NOTIFY_OFF:
		/* queue_notify_off = queue index, so the address names the queue. */
		queue_notify(vp, (unsigned int)(rel / VPCI_NOTIFY_MULT));
		break;
	case VPCI_MSIX_TABLE_OFF:
		msix_table_write(vp, rel, data, len);
		break;
	default:
		break; /* ISR, device config (read-only for net) and PBA */
	}
	virtio_pci_unlock(vp);
}

static uint32_t legacy_config_base(const struct virtio_pci *vp)
{
	return vp->msix_enabled ? VPCI_LEG_CONFIG_MSIX : VPCI_LEG_CONFIG;
}

static void legacy_read(void *opaque, uint64_t off, void *data, uint32_t len)
{
	struct virtio_pci *vp = opaque;
	struct vpci_queue *vq;
	uint32_t v = 0;

	memset(data, 0, len);
	virtio_pci_lock(vp);
	vq = selected_queue(vp);
	if (off >= legacy_config_base(vp)) {
		config_read(vp, off - legacy_config_base(vp), data, len);
		goto out;
	}
	switch (off) {
	case VPCI_LEG_HOST_FEATURES:
		v = (uint32_t)vp->cfg.features; /* legacy sees the low 32 bits */
		break;
	case VPCI_LEG_GUEST_FEATURES:
		v = (uint32_t)vp->driver_features;
		break;
	case VPCI_LEG_QUEUE_PFN:
		v = vq ? vq->legacy_pfn : 0;
		break;
	case VPCI_LEG_QUEUE_SIZE:
		v = vq ? vp->cfg.queue_size : 0;
		break;
	case VPCI_LEG_QUEUE_SEL:
		v = vp->queue_select;
		break;
	case VPCI_LEG_STATUS:
		v = vp->status;
		break;
	case VPCI_LEG_ISR:
		isr_read(vp, data, len);
		goto out;
	case VPCI_LEG_CONFIG_VECTOR:
		v = vp->config_vector;
		break;
	case VPCI_LEG_QUEUE_VECTOR:
		v = vq ? vq->vector : VIRTIO_MSI_NO_VECTOR;
		break;
	default:
		goto out;
	}
	memcpy(data, &v, len < sizeof(v) ? len : sizeof(v));
out:
	virtio_pci_unlock(vp);
}

static void legacy_queue_pfn(struct virtio_pci *vp, struct vpci_queue *vq, uint32_t pfn)
{
	struct iso_err err = {0};

	if (vp->status & VIRTIO_STATUS_DRIVER_OK)
		return;
	vq->legacy_pfn = pfn;
	vq->enabled = false;
	if (pfn == 0)
		return;			 /* the driver released the queue */
	vq->q.size = vp->cfg.queue_size; /* legacy queues have the device's size */
	if (virtq_set_legacy_pfn(&vq->q, pfn, &err) == 0)
		vq->enabled = true;
}

static void legacy_write(void *opaque, uint64_t off, const void *data, uint32_t len)
{
	struct virtio_pci *vp = opaque;
	struct vpci_queue *vq;
	uint32_t v = 0;

	memcpy(&v, data, len < sizeof(v) ? len : sizeof(v));
	virtio_pci_lock(vp);
	vq = selected_queue(vp);
	switch (off) {
	case VPCI_LEG_GUEST_FEATURES:
		if (!(vp->status & VIRTIO_STATUS_DRIVER_OK))
			vp->driver_features = v & offered_features(vp);
		break;
	case VPCI_LEG_QUEUE_PFN:
		if (vq)
			legacy_queue_pfn(vp, vq, v);
		break;
	case VPCI_LEG_QUEUE_SEL:
		vp->queue_select = (uint16_t)v;
		break;
	case VPCI_LEG_QUEUE_NOTIFY:
		queue_notify(vp, (uint16_t)v);
		break;
	case VPCI_LEG_STATUS:
		status_write(vp, (uint8_t)v);
		break;
	case VPCI_LEG_CONFIG_VECTOR:
		if (vp->msix_enabled)
			vp->config_vector = vector_or_none(vp, (uint16_t)v);
		break;
	case VPCI_LEG_QUEUE_VECTOR:
		if (vp->msix_enabled && vq)
			vq->vector = vector_or_none(vp, (uint16_t)v);
		break;
	default:
		break;
	}
	virtio_pci_unlock(vp);
}

static const struct bus_ops vpci_modern_ops = {.read = modern_read, .write = modern_write};
static const struct bus_ops vpci_legacy_ops = {.read = legacy_read, .write = legacy_write};

/* MSI-X enable and function mask live in config space. */
static void vpci_cfg_written(struct pci_dev *dev, uint32_t off, uint32_t len)
{
	struct virtio_pci *vp = dev->opaque;
	uint16_t ctrl;

	if (off > vp->msix_cap + 3u || off + len <= vp->msix_cap + 2u)
		return;
	memcpy(&ctrl, dev->cfg + vp->msix_cap + 2, 2);
	virtio_pci_lock(vp);
	vp->msix_enabled = ctrl & MSIX_CTRL_ENABLE;
	vp->msix_masked = ctrl & MSIX_CTRL_MASKALL;
	msix_flush_pending(vp);
	virtio_pci_unlock(vp);
}

/* Main I/O loop: the driver notified queue vq through its ioeventfd. */
static void vpci_kick_ready(void *opaque, uint32_t events)
{
	struct vpci_queue *vq = opaque;
	uint64_t count;

	(void)events;
	if (read(vq->kick_fd, &count, sizeof(count)) != sizeof(count))
		return;
	virtio_pci_lock(vq->vp);
	queue_notify(vq->vp, vq->index);
	virtio_pci_unlock(vq->vp);
}

static int kick_bind(struct virtio_pci *vp, struct vpci_queue *vq, uint64_t addr, bool assign,
		     struct iso_err *err)
{
	/* Linux writes the 16-bit queue index (§4.1.4.4); other widths still
	 * reach modern_write() through the bus. */
	struct kvm_ioeventfd ioev = {
		.addr = addr,
		.len = 2,
		.fd = vq->kick_fd,
		.flags = assign ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN,
	};

	return kvm_ioctl(vm_fd(vp->vm), KVM_IOEVENTFD, &ioev, err);
}

/* Follow the modern BAR to `bar_base` (0: unmapped). A queue whose fd
 * cannot be bound keeps working through the bus, only slower. */
static void kicks_move(struct virtio_pci *vp, uint64_t bar_base)
{
	struct iso_err err = {0};

	for (unsigned int q = 0; q < vp->cfg.num_queues; q++) {
		struct vpci_queue *vq = &vp->queues[q];
		uint64_t addr = bar_base + VPCI_NOTIFY_OFF + (uint64_t)q * VPCI_NOTIFY_MULT;

		if (vq->kick_fd < 0)
			continue;
		if (vq->kick_addr && kick_bind(vp, vq, vq->kick_addr, false, &err) == 0)
			vq->kick_addr = 0;
		if (!bar_base || vq->kick_addr)
			continue;
		if (kick_bind(vp, vq, addr, true, &err) == 0)
			vq->kick_addr = addr;
		else
			vm_log(vp->vm, "%s: queue %u notify stays on the bus: %s", vp->cfg.name, q,
			       err.msg);
	}
}

static void vpci_bar_moved(struct pci_dev *dev, unsigned int bar, uint64_t old_base,
			   uint64_t new_base)
{
	(void)old_base;
	if (bar == VPCI_MODERN_BAR)
		kicks_move(dev->opaque, new_base);
}

static int kicks_create(struct virtio_pci *vp, struct iso_err *err)
{
	for (unsigned int q = 0; q < vp->cfg.num_queues; q++) {
		struct vpci_queue *vq = &vp->queues[q];
		int r;

		vq->kick_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (vq->kick_fd < 0)
			return iso_err_set(err, -errno, "%s: eventfd", vp->cfg.name);
		r = vm_io_add_fd(vp->vm, vq->kick_fd, EPOLLIN, vpci_kick_ready, vq, err);
		if (r < 0)
			return r;
		vq->kick_io_added = true;
	}
	kicks_move(vp, vp->pci.bar[VPCI_MODERN_BAR].mapped);
	return 0;
}

static void kicks_destroy(struct virtio_pci *vp)
{
	kicks_move(vp, 0);
	for (unsigned int q = 0; q < vp->cfg.num_queues; q++) {
		struct vpci_queue *vq = &vp->queues[q];

		if (vq->kick_io_added)
			vm_io_del_fd(vp->vm, vq->kick_fd);
		vq->kick_io_added = false;
		if (vq->kick_fd >= 0)
			close(vq->kick_fd);
		vq->kick_fd = -1;
	}
}

static int add_virtio_cap(struct virtio_pci *vp, uint8_t type, uint32_t offset, uint32_t length,
			  struct iso_err *err)
{
	struct vpci_cap cap = {
		.cap_vndr = PCI_CAP_ID_VENDOR,
		.cap_len = type == VIRTIO_PCI_CAP_NOTIFY_CFG ? 20 : 16,
		.cfg_type = type,
		.bar = VPCI_MODERN_BAR,
		.offset = offset,
		.length = length,
		.notify_off_multiplier = VPCI_NOTIFY_MULT,
	};
	int r = pci_dev_add_cap(&vp->pci, &cap, cap.cap_len, err);

	return r < 0 ? r : 0;
}

static int build_function(struct virtio_pci *vp, struct iso_err *err)
{
	struct pci_dev *pci = &vp->pci;
	struct vpci_msix_cap msix = {
		.cap_id = PCI_CAP_ID_MSIX,
		.msg_ctrl = (uint16_t)(msix_vectors(vp) - 1),
		.table = VPCI_MSIX_TABLE_OFF | VPCI_MODERN_BAR,
		.pba = VPCI_MSIX_PBA_OFF | VPCI_MODERN_BAR,
	};
	int r;

	/* Transitional device (§4.1.2.3): legacy ID, revision 0, subsystem ID
	 * = device type; modern drivers read the type from the subsystem. */
	pci_dev_init(pci, VIRTIO_PCI_VENDOR,
		     (uint16_t)(VIRTIO_PCI_DEV_ID0 + vp->cfg.device_type - 1), vp->cfg.class_code,
		     0, VIRTIO_PCI_VENDOR, vp->cfg.device_type);
	pci->cfg_written = vpci_cfg_written;
	pci->bar_moved = vpci_bar_moved;
	pci->opaque = vp;
	pci->bar[VPCI_LEGACY_BAR] = (struct pci_bar){.kind = PCI_BAR_IO,
						     .size = VPCI_LEGACY_BAR_BYTES,
						     .ops = &vpci_legacy_ops,
						     .opaque = vp,
						     .name = vp->cfg.name};
	pci->bar[VPCI_MODERN_BAR] = (struct pci_bar){.kind = PCI_BAR_MEM32,
						     .size = VPCI_MODERN_BAR_BYTES,
						     .ops = &vpci_modern_ops,
						     .opaque = vp,
						     .name = vp->cfg.name};
	r = pci_dev_add_cap(pci, &msix, sizeof(msix), err);
	if (r < 0)
		return r;
	vp->msix_cap = (uint8_t)r;
	pci->wmask[r + 3] = (MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL) >> 8;
	/* Without the common configuration capability, drivers leave the
	 * device to their legacy code (§4.1.4.1, Linux "leaving for legacy
	 * driver"). */
	if (vp->cfg.legacy_only)
		return 0;
	if ((r = add_virtio_cap(vp, VIRTIO_PCI_CAP_COMMON_CFG, VPCI_COMMON_OFF,
				sizeof(struct vpci_common), err)) < 0 ||
	    (r = add_virtio_cap(vp, VIRTIO_PCI_CAP_ISR_CFG, VPCI_ISR_OFF, 1, err)) < 0 ||
	    (r = add_virtio_cap(vp, VIRTIO_PCI_CAP_DEVICE_CFG, VPCI_DEVICE_OFF, vp->cfg.config_len,
				err)) < 0 ||
	    (r = add_virtio_cap(vp, VIRTIO_PCI_CAP_NOTIFY_CFG, VPCI_NOTIFY_OFF,
				vp->cfg.num_queues * VPCI_NOTIFY_MULT, err)) < 0)
		return r;
	return 0;
}

int virtio_pci_create(struct vm *vm, const struct virtio_pci_config *cfg, struct virtio_pci **out,
		      struct iso_err *err)
{
	struct virtio_pci *vp;
	int r;

	*out = NULL;
	if (cfg->num_queues == 0 || cfg->num_queues > VIRTIO_PCI_QUEUES_MAX ||
	    cfg->config_len > VPCI_REGION_BYTES)
		return iso_err_input(err, -EINVAL, "%s: %u queues, %u config bytes", cfg->name,
				     cfg->num_queues, cfg->config_len);
	vp = calloc(1, sizeof(*vp));
	if (!vp)
		return iso_err_set(err, -ENOMEM, "%s: allocate", cfg->name);
	*out = vp;
	vp->vm = vm;
	vp->cfg = *cfg;
	for (unsigned int q = 0; q < VIRTIO_PCI_QUEUES_MAX; q++) {
		vp->queues[q].vp = vp;
		vp->queues[q].index = q;
		vp->queues[q].kick_fd = -1;
	}
	r = pthread_mutex_init(&vp->lock, NULL);
	if (r)
		return iso_err_set(err, -r, "%s: mutex", cfg->name);
	vp->lock_ready = true;
	vp->config_vector = VIRTIO_MSI_NO_VECTOR;
	for (unsigned int q = 0; q < cfg->num_queues; q++) {
		vp->queues[q].q.size = cfg->queue_size;
		vp->queues[q].vector = VIRTIO_MSI_NO_VECTOR;
	}
	r = build_function(vp, err);
	if (r < 0)
		return iso_err_wrap(err, "%s", cfg->name);
	r = pci_dev_add(vm, &vp->pci, err);
	if (r < 0)
		return iso_err_wrap(err, "%s", cfg->name);
	/* Legacy notifications are port writes: they reach legacy_write(). */
	return cfg->legacy_only ? 0 : kicks_create(vp, err);
}

void virtio_pci_destroy(struct virtio_pci *vp)
{
	if (!vp)
		return;
	kicks_destroy(vp);
	pci_dev_remove(&vp->pci);
	if (vp->lock_ready)
		pthread_mutex_destroy(&vp->lock);
	free(vp);
}
