/* qemu-microvm: QEMU's minimal machine type as the reference monitor,
 * booting the same kernel and initramfs. The guest's bench port writes to
 * I/O port 0xb00 reach the harness through an isa-debugcon device whose
 * character device is the inherited events pipe (raw wire frames).
 *
 * On the lab it gets the TAP isovm gets: QEMU runs in the switch namespace
 * and opens the TAP by name. The guest kernel has no virtio-mmio devices
 * from its command line, so the NIC is virtio-net-pci on microvm's PCIe
 * host bridge, which the kernel finds through ACPI; every instance boots
 * this one machine, network or not, so startup figures stay comparable
 * (the machine options are part of the recorded version). */
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "backend_guest.h"
#include "backend_net.h"
#include "bench_ctx.h"
#include "instance.h"
#include "netlab.h"
#include "port_wire.h"

#define QEMU_MACHINE "microvm,pcie=on,acpi=on"
/* With the PCIe host bridge the guest kernel's default (ACPI) reset
 * restarts the machine despite -no-reboot; a triple fault ends QEMU. */
#define QEMU_REBOOT "reboot=t"

static int qemu_prepare(struct instance *inst, struct launch_cmd *cmd, struct iso_err *err)
{
	const struct bench_ctx *ctx = inst->ctx;
	char tap[IFNAMSIZ];
	struct guest_boot g;
	struct argv *a = &cmd->argv;
	/* Fixed options: no defaults, no firmware config files, no display,
	 * exit instead of rebooting when the guest's init ends. */
	static char *const fixed[] = {"-M",	    QEMU_MACHINE, "-accel",	 "kvm",
				      "-cpu",	    "host",	  "-nodefaults", "-no-user-config",
				      "-nographic", "-no-reboot", "-serial",	 "stdio",
				      NULL};
	int r = 0;

	if (inst->net)
		r = netlab_attach_tap(ctx->net, inst->id, tap, sizeof(tap), err);
	if (r == 0)
		r = backend_guest_boot(inst, &g, err);
	if (r < 0)
		return r;
	argv_add(a, err, "%s", inst->be->program);
	argv_add_all(a, fixed, err);
	argv_add(a, err, "-m");
	argv_add(a, err, "%u", ctx->guest_mem_mib);
	argv_add(a, err, "-kernel");
	argv_add(a, err, "%s", g.kernel);
	argv_add(a, err, "-initrd");
	argv_add(a, err, "%s", g.initrd);
	argv_add(a, err, "-append");
	argv_add(a, err, "%s %s", QEMU_REBOOT, g.cmdline);
	argv_add(a, err, "-chardev");
	argv_add(a, err, "file,id=benchport,path=/proc/self/fd/%d", cmd->child_fd);
	argv_add(a, err, "-device");
	argv_add(a, err, "isa-debugcon,iobase=0x%x,chardev=benchport", BENCH_PORT_IO);
	if (inst->net) {
		snprintf(cmd->netns, sizeof(cmd->netns), "%s", netlab_switch_netns(ctx->net));
		argv_add(a, err, "-netdev");
		argv_add(a, err, "tap,id=lab,ifname=%s,script=no,downscript=no", tap);
		/* No option ROM: the kernel is loaded directly, nothing boots
		 * from the NIC. */
		argv_add(a, err, "-device");
		argv_add(a, err, "virtio-net-pci,netdev=lab,romfile=");
	}
	inst->guest_ram_mib = ctx->guest_mem_mib;
	cmd->events = EVENTS_FRAMES;
	return a->error;
}

/* QEMU's version and the machine it is measured as. */
static void qemu_version(const struct backend *be, const struct bench_ctx *ctx, char *buf,
			 size_t cap)
{
	size_t n;

	backend_program_version(be, ctx, buf, cap);
	n = strlen(buf);
	if (n > 0 && n < cap)
		snprintf(buf + n, cap - n, " (-M %s)", QEMU_MACHINE);
}

const struct backend backend_qemu_microvm = {
	.name = "qemu-microvm",
	.kind = BACKEND_VM,
	.summary = "QEMU -M microvm, same kernel and image (peer)",
	.peer = 1,
	.uses_net = 1,
	.program = "/usr/bin/qemu-system-x86_64",
	.needs = {BENCH_KERNEL, BENCH_INITRD},
	.available = backend_guest_kvm,
	.version = qemu_version,
	.prepare = qemu_prepare,
	.cleanup = backend_net_detach,
};
