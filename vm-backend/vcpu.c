/* vCPU setup (CPUID, MSRs, 64-bit entry state) and the per-vCPU run loop
 * that turns KVM exits into bus accesses and stop requests. */
#include "vcpu.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "cpuid.h"
#include "kvm_ioctl.h"
#include "vm_core.h"

/* MSRs (Intel SDM vol. 4 table 2-2) that firmware sets and Linux relies
 * on: fast strings on, MTRRs enabled with write-back default type (else
 * the kernel sees all memory uncached and disables PAT). */
#define MSR_IA32_MISC_ENABLE	0x1a0u
#define MISC_ENABLE_FAST_STRING 0x1ull
#define MSR_MTRR_DEF_TYPE	0x2ffu
#define MTRR_DEF_TYPE_ENABLE_WB 0x806ull /* E (bit 11) | type 6 (WB) */

/* Control register bits (SDM vol. 3A 2.5) and EFER (AMD APM 3.1.7). */
#define CR0_PE		0x1ull
#define CR0_ET		0x10ull
#define CR0_NE		0x20ull
#define CR0_PG		0x80000000ull
#define CR4_PAE		0x20ull
#define EFER_LME	0x100ull
#define EFER_LMA	0x400ull
#define RFLAGS_RESERVED 0x2ull	   /* bit 1 always set; IF clear */
#define VCPU_REKICK_NS	100000000L /* re-kick a vCPU not joined after 100 ms */

static void vcpu_kick_handler(int sig)
{
	(void)sig;
}

int vcpu_signals_init(struct iso_err *err)
{
	struct sigaction sa = {.sa_handler = vcpu_kick_handler};

	/* No SA_RESTART: the point is that KVM_RUN returns EINTR. */
	sigemptyset(&sa.sa_mask);
	if (sigaction(VCPU_KICK_SIGNAL, &sa, NULL) < 0)
		return iso_err_set(err, -errno, "vcpu: sigaction(SIGRTMIN)");
	return 0;
}

static int vcpu_set_cpuid(struct vcpu *v, unsigned int cpus, const struct kvm_cpuid2 *base,
			  struct iso_err *err)
{
	size_t bytes = sizeof(*base) + base->nent * sizeof(base->entries[0]);
	cleanup_free struct kvm_cpuid2 *c = malloc(bytes);

	if (!c)
		return iso_err_set(err, -ENOMEM, "vcpu %u: cpuid copy", v->index);
	memcpy(c, base, bytes);
	cpuid_set_topology(c, v->index, cpus);
	return kvm_ioctl(v->fd, KVM_SET_CPUID2, c, err);
}

static int vcpu_set_msrs(struct vcpu *v, struct iso_err *err)
{
	static const struct kvm_msr_entry want[] = {
		{.index = MSR_IA32_MISC_ENABLE, .data = MISC_ENABLE_FAST_STRING},
		{.index = MSR_MTRR_DEF_TYPE, .data = MTRR_DEF_TYPE_ENABLE_WB},
	};
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e[sizeof(want) / sizeof(want[0])];
	} m = {.hdr.nmsrs = sizeof(want) / sizeof(want[0])};
	int r;

	memcpy(m.e, want, sizeof(want));
	r = kvm_ioctl(v->fd, KVM_SET_MSRS, &m.hdr, err);
	if (r < 0)
		return r;
	/* KVM_SET_MSRS returns how many it set: it stops at the first one it
	 * refuses. */
	if ((unsigned int)r != m.hdr.nmsrs)
		return iso_err_input(err, -EINVAL, "KVM_SET_MSRS: MSR 0x%x refused", m.e[r].index);
	return 0;
}

int vcpu_create(struct vcpu *v, struct vm *vm, unsigned int index, unsigned int cpus,
		const struct kvm_cpuid2 *cpuid, struct iso_err *err)
{
	void *run;
	int r;

	memset(v, 0, sizeof(*v));
	v->vm = vm;
	v->index = index;
	v->fd = -1;
	r = kvm_ioctl_val(vm_fd(vm), KVM_CREATE_VCPU, index, err);
	if (r < 0)
		return iso_err_wrap(err, "vcpu %u", index);
	v->fd = r;
	v->run_size = vm_vcpu_mmap_size(vm);
	run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
	if (run == MAP_FAILED)
		return iso_err_set(err, -errno, "vcpu %u: mmap run page", index);
	v->run = run;
	r = vcpu_set_cpuid(v, cpus, cpuid, err);
	if (r >= 0)
		r = vcpu_set_msrs(v, err);
	if (r < 0)
		return iso_err_wrap(err, "vcpu %u", index);
	return 0;
}

static void vcpu_segment(struct kvm_segment *s, uint16_t sel, uint8_t type, bool code)
{
	*s = (struct kvm_segment){
		.base = 0,
		.limit = 0xffffffff,
		.selector = sel,
		.type = type,
		.present = 1,
		.dpl = 0,
		.db = code ? 0 : 1, /* a 64-bit code segment has D clear, L set */
		.s = 1,
		.l = code ? 1 : 0,
		.g = 1,
	};
}

int vcpu_set_entry(struct vcpu *v, const struct vcpu_entry *e, struct iso_err *err)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = {0};
	int r;

	r = kvm_ioctl(v->fd, KVM_GET_SREGS, &sregs, err);
	if (r < 0)
		return r;
	/* Segment types (SDM vol. 3A 3.4.5.1): 0xb execute/read accessed,
	 * 0x3 read/write accessed; TR 0xb = busy 64-bit TSS. */
	vcpu_segment(&sregs.cs, e->code_sel, 0xb, true);
	vcpu_segment(&sregs.ds, e->data_sel, 0x3, false);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	sregs.tr = (struct kvm_segment){
		.selector = e->tss_sel, .limit = 0x67, .type = 0xb, .present = 1};
	sregs.gdt.base = e->gdt_base;
	sregs.gdt.limit = e->gdt_limit;
	sregs.idt.base = 0;
	sregs.idt.limit = 0;
	sregs.cr0 = CR0_PE | CR0_ET | CR0_NE | CR0_PG;
	sregs.cr3 = e->cr3;
	sregs.cr4 = CR4_PAE;
	sregs.efer = EFER_LME | EFER_LMA;
	r = kvm_ioctl(v->fd, KVM_SET_SREGS, &sregs, err);
	if (r < 0)
		return r;
	regs.rip = e->rip;
	regs.rsi = e->rsi;
	regs.rsp = e->rsp;
	regs.rbp = e->rsp;
	regs.rflags = RFLAGS_RESERVED;
	r = kvm_ioctl(v->fd, KVM_SET_REGS, &regs, err);
	return r < 0 ? r : 0;
}

/* KVM could not go on (KVM_EXIT_INTERNAL_ERROR; suberror 1 is an
 * instruction its emulator failed on): say where the guest was and what
 * KVM reports with it (its first data words: exit reason and info). */
static void vcpu_internal_error(struct vcpu *v, struct iso_err *err)
{
	const struct kvm_run *run = v->run;
	struct kvm_regs regs = {0};
	char data[80] = "";
	size_t off = 0;

	for (uint32_t i = 0; i < run->internal.ndata && i < 4 && off < sizeof(data); i++)
		off += (size_t)snprintf(data + off, sizeof(data) - off, " %#llx",
					(unsigned long long)run->internal.data[i]);
	kvm_ioctl(v->fd, KVM_GET_REGS, &regs, NULL);
	iso_err_input(err, -EIO,
		      "vcpu %u: KVM_RUN: internal error, suberror %u at rip %#llx, data%s",
		      v->index, run->internal.suberror, (unsigned long long)regs.rip,
		      *data ? data : " none");
}

/* Exits that end the guest without an EXIT message. */
static const char *const vcpu_stop_names[] = {
	[KVM_EXIT_SHUTDOWN] = "shutdown (triple fault: how it reboots with reboot=t)",
	[KVM_EXIT_SYSTEM_EVENT] = "system event (reset or power-off)",
	[KVM_EXIT_HLT] = "halted",
};

/* Handle one exit. Returns false when the loop should end. */
static bool vcpu_handle_exit(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	struct iso_err err = {0};

	switch (run->exit_reason) {
	case KVM_EXIT_IO: {
		uint8_t *data = (uint8_t *)run + run->io.data_offset;
		uint32_t size = run->io.size;

		/* A `rep outs/ins` exits once with `count` elements packed in
		 * the run page (KVM API doc, KVM_EXIT_IO). */
		if (run->io.data_offset + (uint64_t)size * run->io.count > v->run_size) {
			iso_err_input(&err, -EFAULT, "vcpu %u: I/O data outside the run page",
				      v->index);
			vm_fail(v->vm, &err);
			return false;
		}
		for (uint32_t i = 0; i < run->io.count; i++)
			vm_dispatch(v->vm, VM_BUS_PIO, run->io.port, data + (size_t)i * size, size,
				    run->io.direction == KVM_EXIT_IO_OUT);
		return true;
	}
	case KVM_EXIT_MMIO:
		vm_dispatch(v->vm, VM_BUS_MMIO, run->mmio.phys_addr, run->mmio.data, run->mmio.len,
			    run->mmio.is_write);
		return true;
	case KVM_EXIT_INTR:
		return true;
	case KVM_EXIT_SHUTDOWN:
	case KVM_EXIT_SYSTEM_EVENT:
	case KVM_EXIT_HLT:
		vm_log(v->vm, "vcpu %u: guest stopped: %s", v->index,
		       vcpu_stop_names[run->exit_reason]);
		vm_request_stop(v->vm, ISOVM_EXIT_NO_EXIT);
		return false;
	case KVM_EXIT_FAIL_ENTRY:
		iso_err_input(&err, -EIO, "vcpu %u: KVM_RUN: entry failed, hardware reason 0x%llx",
			      v->index,
			      (unsigned long long)run->fail_entry.hardware_entry_failure_reason);
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		vcpu_internal_error(v, &err);
		break;
	default:
		iso_err_input(&err, -EIO, "vcpu %u: KVM_RUN: unexpected exit reason %u", v->index,
			      run->exit_reason);
		break;
	}
	vm_fail(v->vm, &err);
	return false;
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	sigset_t kick;

	sigemptyset(&kick);
	sigaddset(&kick, VCPU_KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &kick, NULL);
	if (v->index == 0)
		vm_emit_phase(v->vm, "vcpu_start");
	while (!vm_stop_requested(v->vm)) {
		struct iso_err err = {0};
		int r = kvm_ioctl_val(v->fd, KVM_RUN, 0, &err);

		if (r < 0) {
			if (r == -EINTR || r == -EAGAIN)
				continue;
			vm_fail(v->vm, &err);
			break;
		}
		if (!vcpu_handle_exit(v))
			break;
	}
	return NULL;
}

int vcpu_start(struct vcpu *v, struct iso_err *err)
{
	pthread_attr_t attr;
	int r;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, VM_VCPU_STACK_BYTES);
	r = pthread_create(&v->thread, &attr, vcpu_thread, v);
	pthread_attr_destroy(&attr);
	if (r)
		return iso_err_set(err, -r, "vcpu %u: pthread_create", v->index);
	v->started = true;
	return 0;
}

void vcpu_kick(struct vcpu *v)
{
	if (!v->started)
		return;
	/* immediate_exit covers the window where the thread is about to enter
	 * KVM_RUN and would miss the signal (KVM API doc, kvm_run). */
	__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	pthread_kill(v->thread, VCPU_KICK_SIGNAL);
}

void vcpu_destroy(struct vcpu *v)
{
	if (v->started) {
		struct timespec deadline;

		/* One kick suffices (immediate_exit closes the race with a thread
		 * about to enter KVM_RUN); kicking again until the join succeeds
		 * costs nothing and never leaves isovm stuck on a lost wakeup. */
		for (;;) {
			clock_gettime(CLOCK_REALTIME, &deadline);
			deadline.tv_nsec += VCPU_REKICK_NS;
			if (deadline.tv_nsec >= 1000000000L) {
				deadline.tv_sec++;
				deadline.tv_nsec -= 1000000000L;
			}
			if (pthread_timedjoin_np(v->thread, NULL, &deadline) != ETIMEDOUT)
				break;
			pthread_kill(v->thread, VCPU_KICK_SIGNAL);
		}
		v->started = false;
	}
	if (v->run)
		munmap(v->run, v->run_size);
	v->run = NULL;
	if (v->fd >= 0)
		close(v->fd);
	v->fd = -1;
}
