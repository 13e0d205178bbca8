/* KVM smoke test (TAP): a real-mode guest writes three bytes and a word to
 * an I/O port and halts; every exit it causes is checked. Runs wherever
 * /dev/kvm exists (tests/run-test puts it in the emulated test machine). */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "err.h"
#include "kvm_ioctl.h"

#define PROG "kvm_smoke"

/* The stable KVM API version (Documentation/virt/kvm/api.rst, 4.1). */
#define KVM_API_VERSION_EXPECTED 12
#define GUEST_MEM_BYTES		 0x10000
#define GUEST_CODE_GPA		 0x1000
/* No in-kernel device claims this port (the VM has no irqchip or PIT), so
 * every access to it exits to us. */
#define TEST_PORT 0x10f
/* More exits than the guest can cause: a broken guest cannot loop us. */
#define MAX_EXITS 16
/* RFLAGS bit 1 is reserved and always set (SDM vol. 1, 3.4.3). */
#define RFLAGS_RESERVED 0x2

/* Real-mode code (16-bit operands), encodings from SDM vol. 2. One
 * instruction per line, so the formatter keeps out of it. */
/* clang-format off */
static const uint8_t guest_code[] = {
	0xba, TEST_PORT & 0xff, TEST_PORT >> 8, /* mov dx, TEST_PORT */
	0xb0, 'i',                              /* mov al, 'i' */
	0xee,                                   /* out dx, al */
	0xb0, 's',                              /* mov al, 's' */
	0xee,                                   /* out dx, al */
	0xb0, 'o',                              /* mov al, 'o' */
	0xee,                                   /* out dx, al */
	0xb8, 0x34, 0x12,                       /* mov ax, 0x1234 */
	0xef,                                   /* out dx, ax */
	0xf4,                                   /* hlt */
};
/* clang-format on */

struct expected_out {
	uint8_t size;
	uint32_t value;
};

static const struct expected_out expected_outs[] = {
	{1, 'i'},
	{1, 's'},
	{1, 'o'},
	{2, 0x1234},
};
#define N_OUTS (sizeof(expected_outs) / sizeof(expected_outs[0]))

/* What one KVM_RUN returned; port fields only for KVM_EXIT_IO. */
struct smoke_exit {
	uint32_t reason;
	uint8_t direction;
	uint8_t size;
	uint16_t port;
	uint32_t count;
	uint32_t value;
};

struct smoke_vm {
	int kvm_fd;
	int vm_fd;
	int vcpu_fd;
	void *mem;
	struct kvm_run *run;
	size_t run_bytes;
};

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Idempotent; handles a half-built VM. */
static void smoke_vm_destroy(struct smoke_vm *vm)
{
	if (vm->run) {
		munmap(vm->run, vm->run_bytes);
		vm->run = NULL;
	}
	if (vm->mem) {
		munmap(vm->mem, GUEST_MEM_BYTES);
		vm->mem = NULL;
	}
	close_fd(&vm->vcpu_fd);
	close_fd(&vm->vm_fd);
	close_fd(&vm->kvm_fd);
}

static int smoke_kvm_open(struct smoke_vm *vm, int *api_version, struct iso_err *err)
{
	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		return iso_err_set(err, -errno, "open /dev/kvm");
	*api_version = kvm_ioctl_val(vm->kvm_fd, KVM_GET_API_VERSION, 0, err);
	return *api_version < 0 ? *api_version : 0;
}

/* One vCPU in real mode at GUEST_CODE_GPA over GUEST_MEM_BYTES of memory
 * at guest-physical 0 that holds guest_code. */
static int smoke_vm_create(struct smoke_vm *vm, struct iso_err *err)
{
	int r;

	vm->vm_fd = kvm_ioctl_val(vm->kvm_fd, KVM_CREATE_VM, 0, err);
	if (vm->vm_fd < 0)
		return vm->vm_fd;
	vm->mem = mmap(NULL, GUEST_MEM_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	if (vm->mem == MAP_FAILED) {
		vm->mem = NULL;
		return iso_err_set(err, -errno, "mmap guest memory");
	}
	memcpy((uint8_t *)vm->mem + GUEST_CODE_GPA, guest_code, sizeof(guest_code));
	struct kvm_userspace_memory_region region = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = GUEST_MEM_BYTES,
		.userspace_addr = (uintptr_t)vm->mem,
	};
	r = kvm_ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region, err);
	if (r < 0)
		return r;

	vm->vcpu_fd = kvm_ioctl_val(vm->vm_fd, KVM_CREATE_VCPU, 0, err);
	if (vm->vcpu_fd < 0)
		return vm->vcpu_fd;
	r = kvm_ioctl_val(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0, err);
	if (r < 0)
		return r;
	vm->run_bytes = (size_t)r;
	vm->run = mmap(NULL, vm->run_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, vm->vcpu_fd, 0);
	if (vm->run == MAP_FAILED) {
		vm->run = NULL;
		return iso_err_set(err, -errno, "mmap kvm_run");
	}

	/* Reset state is real mode with CS based at 0xffff0000; base it at 0
	 * so that IP addresses guest_code directly. */
	struct kvm_sregs sregs;
	r = kvm_ioctl(vm->vcpu_fd, KVM_GET_SREGS, &sregs, err);
	if (r < 0)
		return r;
	sregs.cs.base = 0;
	sregs.cs.selector = 0;
	r = kvm_ioctl(vm->vcpu_fd, KVM_SET_SREGS, &sregs, err);
	if (r < 0)
		return r;
	struct kvm_regs regs = {.rip = GUEST_CODE_GPA, .rflags = RFLAGS_RESERVED};
	r = kvm_ioctl(vm->vcpu_fd, KVM_SET_REGS, &regs, err);
	return r < 0 ? r : 0;
}

/* KVM_RUN until the guest halts or stops with anything but port I/O, or
 * `max` exits; records each in `exits` and their number in `*n`. */
static int smoke_vm_run(struct smoke_vm *vm, struct smoke_exit *exits, size_t max, size_t *n,
			struct iso_err *err)
{
	*n = 0;
	while (*n < max) {
		int r = kvm_ioctl_val(vm->vcpu_fd, KVM_RUN, 0, err);
		if (r < 0)
			return r;
		struct smoke_exit *e = &exits[(*n)++];
		memset(e, 0, sizeof(*e));
		e->reason = vm->run->exit_reason;
		if (e->reason != KVM_EXIT_IO)
			return 0;
		e->direction = vm->run->io.direction;
		e->size = vm->run->io.size;
		e->port = vm->run->io.port;
		e->count = vm->run->io.count;
		/* The data sits in the kvm_run page at data_offset (api.rst,
		 * KVM_EXIT_IO); x86 is little-endian. */
		if (e->size <= sizeof(e->value) && vm->run->io.data_offset < vm->run_bytes)
			memcpy(&e->value, (uint8_t *)vm->run + vm->run->io.data_offset, e->size);
	}
	return 0;
}

static int n_tests;
static int n_failed;

static void tap(int pass, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tap(int pass, const char *fmt, ...)
{
	va_list ap;

	n_failed += !pass;
	printf("%sok %d - ", pass ? "" : "not ", ++n_tests);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static int check_out(const struct smoke_exit *e, size_t i)
{
	const struct expected_out *x = &expected_outs[i];

	if (e->reason != KVM_EXIT_IO) {
		printf("# exit %zu: reason %u, expected KVM_EXIT_IO (%d)\n", i, e->reason,
		       KVM_EXIT_IO);
		return 0;
	}
	if (e->direction != KVM_EXIT_IO_OUT || e->port != TEST_PORT || e->size != x->size ||
	    e->count != 1 || e->value != x->value) {
		printf("# exit %zu: %s port 0x%x size %u count %u value 0x%x\n", i,
		       e->direction == KVM_EXIT_IO_OUT ? "out" : "in", e->port, e->size, e->count,
		       e->value);
		return 0;
	}
	return 1;
}

int main(void)
{
	struct smoke_vm vm = {.kvm_fd = -1, .vm_fd = -1, .vcpu_fd = -1};
	struct iso_err err = {0};
	struct smoke_exit exits[MAX_EXITS];
	size_t n_exits = 0;
	int api_version = -1;

	printf("1..%zu\n", 4 + N_OUTS);
	int r = smoke_kvm_open(&vm, &api_version, &err);
	tap(r == 0 && api_version == KVM_API_VERSION_EXPECTED, "/dev/kvm opens, API version %d",
	    api_version);
	if (r == 0)
		r = smoke_vm_create(&vm, &err);
	tap(r == 0, "VM with %d KiB at 0 and one real-mode vCPU", GUEST_MEM_BYTES / 1024);
	if (r == 0)
		r = smoke_vm_run(&vm, exits, MAX_EXITS, &n_exits, &err);
	if (r < 0) {
		iso_err_print(&err, PROG);
		printf("Bail out! %s\n", err.msg);
		smoke_vm_destroy(&vm);
		return 1;
	}

	for (size_t i = 0; i < N_OUTS; i++)
		tap(i < n_exits && check_out(&exits[i], i),
		    "exit %zu: out to port 0x%x, %u byte(s), 0x%x", i, TEST_PORT,
		    expected_outs[i].size, expected_outs[i].value);
	int halted = n_exits == N_OUTS + 1 && exits[N_OUTS].reason == KVM_EXIT_HLT;
	if (!halted && n_exits > N_OUTS)
		printf("# exit %zu: reason %u\n", N_OUTS, exits[N_OUTS].reason);
	tap(halted, "then KVM_EXIT_HLT, after %zu exits in all", n_exits);

	struct kvm_regs regs;
	r = kvm_ioctl(vm.vcpu_fd, KVM_GET_REGS, &regs, &err);
	if (r < 0)
		iso_err_print(&err, PROG);
	tap(r == 0 && regs.rip == GUEST_CODE_GPA + sizeof(guest_code),
	    "RIP is past the hlt (0x%llx)", r == 0 ? (unsigned long long)regs.rip : 0ULL);
	smoke_vm_destroy(&vm);
	return n_failed ? 1 : 0;
}
