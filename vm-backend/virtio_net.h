/* virtio-net device (virtio 1.x §5.1) on virtio-pci, backed by a TAP:
 * present when --tap or --tap-fd is given. Its device-table row. */
#ifndef ISOVM_VIRTIO_NET_H
#define ISOVM_VIRTIO_NET_H

#include "vm.h"

int virtio_net_setup(struct vm *vm, void **priv, struct iso_err *err);
void virtio_net_teardown(struct vm *vm, void *priv);

#endif
