/* qemu-microvm: QEMU's minimal machine type as the reference monitor,
 * booting the same kernel and initramfs. The guest's bench port writes to
 * I/O port 0xb00 reach the harness through an isa-debugcon device whose
 * character device is the inherited events pipe (raw wire frames). */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "backend_guest.h"
#include "bench_ctx.h"
#include "env.h"
#include "fsutil.h"
#include "instance.h"
#include "port_wire.h"

#define QEMU_BIN	 "qemu-system-x86_64"
#define QEMU_PATH	 "/usr/bin/" QEMU_BIN
#define QEMU_CMDLINE_MAX 1024
/* docs/system/i386/microvm.rst: no option ROMs, no RTC, no ACPI (one vCPU
 * needs no MADT; the kernel then uses the legacy PIT/PIC routing). The
 * serial port stays for the console. */
#define QEMU_MACHINE "microvm,x-option-roms=off,rtc=off,acpi=off,isa-serial=on"

static int qemu_available(const struct bench_ctx *ctx, char *reason, size_t cap)
{
	char path[PATH_MAX];

	if (bench_ctx_path(ctx, BENCH_KERNEL, path, sizeof(path), NULL) < 0 ||
	    !bench_ctx_have(ctx, BENCH_KERNEL, 0) || !bench_ctx_have(ctx, BENCH_INITRD, 0)) {
		snprintf(reason, cap, "guest kernel or image not built");
		return -ENOENT;
	}
	if (access(QEMU_PATH, X_OK) < 0) {
		snprintf(reason, cap, "%s not installed", QEMU_PATH);
		return -ENOENT;
	}
	return env_kvm_check(reason, cap);
}

static void qemu_version(const struct bench_ctx *ctx, char *buf, size_t cap)
{
	char *argv[] = {QEMU_PATH, "--version", NULL};

	(void)ctx;
	fsutil_first_line(argv, buf, cap);
}

static int qemu_prepare(struct instance *inst, struct launch_cmd *cmd, struct iso_err *err)
{
	const struct bench_ctx *ctx = inst->ctx;
	char kernel[PATH_MAX], initrd[PATH_MAX], cmdline[QEMU_CMDLINE_MAX];
	struct argv *a = &cmd->argv;
	/* Fixed options: no defaults, no firmware config files, no display,
	 * exit instead of rebooting when the guest's init ends. */
	static char *const fixed[] = {
		QEMU_PATH, "-M",	  "microvm",	     "-accel",	   "kvm",	 "-cpu",
		"host",	   "-nodefaults", "-no-user-config", "-nographic", "-no-reboot", "-serial",
		"stdio",   NULL};
	int r;

	r = bench_ctx_path(ctx, BENCH_KERNEL, kernel, sizeof(kernel), err);
	if (r == 0)
		r = bench_ctx_path(ctx, BENCH_INITRD, initrd, sizeof(initrd), err);
	if (r == 0)
		r = backend_guest_cmdline(inst, cmdline, sizeof(cmdline), err);
	if (r == 0)
		r = argv_add_all(a, fixed, err);
	if (r == 0)
		r = argv_add(a, err, "-m");
	if (r == 0)
		r = argv_add(a, err, "%u", ctx->guest_mem_mib);
	if (r == 0)
		r = argv_add(a, err, "-kernel");
	if (r == 0)
		r = argv_add(a, err, "%s", kernel);
	if (r == 0)
		r = argv_add(a, err, "-initrd");
	if (r == 0)
		r = argv_add(a, err, "%s", initrd);
	if (r == 0)
		r = argv_add(a, err, "-append");
	if (r == 0)
		r = argv_add(a, err, "%s", cmdline);
	if (r == 0)
		r = argv_add(a, err, "-chardev");
	if (r == 0)
		r = argv_add(a, err, "file,id=benchport,path=/proc/self/fd/%d", cmd->child_fd);
	if (r == 0)
		r = argv_add(a, err, "-device");
	if (r == 0)
		r = argv_add(a, err, "isa-debugcon,iobase=0x%x,chardev=benchport", BENCH_PORT_IO);
	inst->guest_ram_mib = ctx->guest_mem_mib;
	cmd->events = EVENTS_FRAMES;
	return r;
}

const struct backend backend_qemu_microvm = {
	.name = "qemu-microvm",
	.kind = BACKEND_VM,
	.summary = "QEMU -M microvm, same kernel and image (peer)",
	.peer = 1,
	.available = qemu_available,
	.version = qemu_version,
	.prepare = qemu_prepare,
};
