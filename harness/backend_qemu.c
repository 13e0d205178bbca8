/* qemu-microvm: QEMU's minimal machine type as the reference monitor,
 * booting the same kernel and initramfs. The guest's bench port writes to
 * I/O port 0xb00 reach the harness through an isa-debugcon device whose
 * character device is the inherited events pipe (raw wire frames). */
#include "backend_guest.h"
#include "bench_ctx.h"
#include "instance.h"
#include "port_wire.h"

static int qemu_prepare(struct instance *inst, struct launch_cmd *cmd, struct iso_err *err)
{
	const struct bench_ctx *ctx = inst->ctx;
	struct guest_boot g;
	struct argv *a = &cmd->argv;
	/* Fixed options: no defaults, no firmware config files, no display,
	 * exit instead of rebooting when the guest's init ends. */
	static char *const fixed[] = {"-M",	    "microvm",	  "-accel",	 "kvm",
				      "-cpu",	    "host",	  "-nodefaults", "-no-user-config",
				      "-nographic", "-no-reboot", "-serial",	 "stdio",
				      NULL};
	int r = backend_guest_boot(inst, &g, err);

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
	argv_add(a, err, "%s", g.cmdline);
	argv_add(a, err, "-chardev");
	argv_add(a, err, "file,id=benchport,path=/proc/self/fd/%d", cmd->child_fd);
	argv_add(a, err, "-device");
	argv_add(a, err, "isa-debugcon,iobase=0x%x,chardev=benchport", BENCH_PORT_IO);
	inst->guest_ram_mib = ctx->guest_mem_mib;
	cmd->events = EVENTS_FRAMES;
	return a->error;
}

const struct backend backend_qemu_microvm = {
	.name = "qemu-microvm",
	.kind = BACKEND_VM,
	.summary = "QEMU -M microvm, same kernel and image (peer)",
	.peer = 1,
	.program = "/usr/bin/qemu-system-x86_64",
	.needs = {BENCH_KERNEL, BENCH_INITRD},
	.available = backend_guest_kvm,
	.version = backend_program_version,
	.prepare = qemu_prepare,
};
