/* The i8042 keyboard controller's one job in a VM: its reset line. A
 * write of 0xfe (pulse output port bit 0, the CPU reset) to the command
 * port 0x64 stops the guest. Status reads say "no data, input buffer
 * empty" so the kernel's reboot=k path does not spin on it. */
#include <stdlib.h>
#include <string.h>

#include "device_table.h"

#define I8042_DATA_PORT 0x60u
#define I8042_CMD_PORT	0x64u
#define I8042_CMD_RESET 0xfeu

static void i8042_read(void *opaque, uint64_t off, void *data, uint32_t len)
{
	(void)opaque;
	(void)off;
	memset(data, 0, len); /* status 0: output buffer empty, input buffer empty */
}

static void i8042_write(void *opaque, uint64_t off, const void *data, uint32_t len)
{
	struct vm *vm = opaque;

	(void)len;
	if (off == 0 && *(const uint8_t *)data == I8042_CMD_RESET) {
		vm_log(vm, "i8042: guest reset");
		vm_request_stop(vm, ISOVM_EXIT_NO_EXIT);
	}
}

static const struct bus_ops i8042_ops = {.read = i8042_read, .write = i8042_write};

int i8042_setup(struct vm *vm, void **priv, struct iso_err *err)
{
	(void)priv;
	/* Only the command/status port: the data port stays unhandled. */
	return vm_bus_register(vm, VM_BUS_PIO, I8042_CMD_PORT, 1, &i8042_ops, vm, "i8042", err);
}

void i8042_teardown(struct vm *vm, void *priv)
{
	(void)vm;
	(void)priv;
}
