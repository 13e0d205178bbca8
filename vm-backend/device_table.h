/* Each device's setup/teardown pair, as listed in device_table.c (see
 * struct vm_device in vm.h for the contract). One block per device file. */
#ifndef ISOVM_DEVICE_TABLE_H
#define ISOVM_DEVICE_TABLE_H

#include "vm.h"

/* serial.c: 8250 UART on COM1 -> --console */
int serial_setup(struct vm *vm, void **priv, struct iso_err *err);
void serial_teardown(struct vm *vm, void *priv);

/* bench_dev.c: the bench port at BENCH_PORT_IO -> --events-fd, EXIT stops */
int bench_dev_setup(struct vm *vm, void **priv, struct iso_err *err);
void bench_dev_teardown(struct vm *vm, void *priv);

/* i8042.c: the keyboard controller's reset line (0xfe to port 0x64) */
int i8042_setup(struct vm *vm, void **priv, struct iso_err *err);
void i8042_teardown(struct vm *vm, void *priv);

/* pci.c: PCI host bridge at 00:00.0, config space at 0xCF8/0xCFC; must
 * come before any PCI device */
int pci_setup(struct vm *vm, void **priv, struct iso_err *err);
void pci_teardown(struct vm *vm, void *priv);

/* virtio_net.c: virtio-net on virtio-pci with a TAP backend -> --tap,
 * --tap-fd, --netns, --mac (absent: no device) */
int virtio_net_setup(struct vm *vm, void **priv, struct iso_err *err);
void virtio_net_teardown(struct vm *vm, void *priv);

#endif
