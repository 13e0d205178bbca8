/* The device table: every device isovm has, set up in this order by
 * vm_create() and torn down in reverse. */
#include "device_table.h"

const struct vm_device vm_devices[] = {
	/* Core devices (isovm core). */
	{"serial", serial_setup, serial_teardown},
	{"bench-port", bench_dev_setup, bench_dev_teardown},
	{"i8042", i8042_setup, i8042_teardown},

	/* PCI host bridge first, then the PCI devices. */
	{"pci", pci_setup, pci_teardown},
	{"virtio-net", virtio_net_setup, virtio_net_teardown},
};

const size_t vm_devices_count = sizeof(vm_devices) / sizeof(vm_devices[0]);
