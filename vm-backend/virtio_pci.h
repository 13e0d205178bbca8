/* virtio over PCI (virtio 1.x §4.1): a transitional device with the
 * modern interface (common/notify/ISR/device capabilities in a memory
 * BAR), the legacy interface (I/O BAR 0, §4.1.4.8), and MSI-X, with INTx
 * as the fallback; or, with `legacy_only`, a legacy device (the same
 * function without the modern capabilities and VIRTIO_F_VERSION_1, which
 * drivers take for a pre-1.0 device). A device model plugs in through
 * virtio_dev_ops.
 *
 * Contracts:
 *  - One lock per transport serialises the transport and its device:
 *    ops are called with it held; a device's own callbacks on the main
 *    I/O loop take it with virtio_pci_lock() before touching queues.
 *  - Queues are validated (virtq_start) and handed to the device when the
 *    driver sets DRIVER_OK; a driver that breaks a ring gets the device
 *    marked DEVICE_NEEDS_RESET (§2.1.2) via virtio_pci_fail(). */
#ifndef ISOVM_VIRTIO_PCI_H
#define ISOVM_VIRTIO_PCI_H

#include <stdbool.h>
#include <stdint.h>

#include "virtqueue.h"
#include "vm.h"

#define VIRTIO_PCI_QUEUES_MAX 8
#define VIRTIO_PCI_VENDOR     0x1af4 /* §4.1.2 */

struct virtio_pci;

struct virtio_dev_ops {
	/* Device-specific configuration (§4.1.4.6): `off` + `len` lies
	 * inside config_len. */
	void (*config_read)(void *dev, uint32_t off, void *data, uint32_t len);
	/* DRIVER_OK: queues are started, `features` negotiated. A negative
	 * errno marks the device broken. */
	int (*start)(void *dev, uint64_t features, struct iso_err *err);
	/* The driver notified queue `q`: on the main I/O loop (modern notify
	 * through KVM_IOEVENTFD) or a vCPU thread (legacy, odd widths). Only
	 * while started. */
	void (*notify)(void *dev, unsigned int q);
	/* Device reset (status 0): stop using the queues. */
	void (*reset)(void *dev);
};

struct virtio_pci_config {
	const char *name;     /* string literal, for logs and bus messages */
	uint16_t device_type; /* §5: 1 = network card */
	uint32_t class_code;  /* PCI class of the function */
	uint64_t features;    /* device and ring features offered; the
				 transport adds VIRTIO_F_VERSION_1 unless
				 legacy_only */
	bool legacy_only;     /* offer the legacy interface only */
	unsigned int num_queues;
	uint16_t queue_size; /* power of two <= VIRTQ_SIZE_MAX */
	uint32_t config_len; /* bytes of device-specific configuration */
	const struct virtio_dev_ops *ops;
	void *dev;
};

/* Build the function and put it on the PCI bus. `cfg` is copied. */
int virtio_pci_create(struct vm *vm, const struct virtio_pci_config *cfg, struct virtio_pci **out,
		      struct iso_err *err);
/* Take the function off the bus and free it. Idempotent on NULL. */
void virtio_pci_destroy(struct virtio_pci *vp);

void virtio_pci_lock(struct virtio_pci *vp);
void virtio_pci_unlock(struct virtio_pci *vp);

/* With the lock held: */
/* Queue `q` (valid index), started when the device is. */
struct virtq *virtio_pci_queue(struct virtio_pci *vp, unsigned int q);
/* Interrupt the driver if it wants one for chains pushed on `q`. */
void virtio_pci_queue_done(struct virtio_pci *vp, unsigned int q);
/* The driver broke the device: mark DEVICE_NEEDS_RESET, stop the queues,
 * send a configuration interrupt, log why (under --verbose). */
void virtio_pci_fail(struct virtio_pci *vp, const struct iso_err *err);

#endif
