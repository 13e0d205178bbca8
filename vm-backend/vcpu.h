/* vCPUs: one KVM vCPU, its run page and its thread. */
#ifndef ISOVM_VCPU_H
#define ISOVM_VCPU_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vm.h"

/* The boot CPU's state at the kernel's 64-bit entry (boot.rst, "64-bit
 * Boot Protocol"): long mode, paging on with `cr3`, flat segments from
 * the GDT at `gdt_base`, interrupts off, rsi = zero page. */
struct vcpu_entry {
	uint64_t rip;
	uint64_t rsi;
	uint64_t rsp;
	uint64_t cr3;
	uint64_t gdt_base;
	uint16_t gdt_limit;
	uint16_t code_sel;
	uint16_t data_sel;
	uint16_t tss_sel;
};

struct vcpu {
	struct vm *vm;
	unsigned int index; /* also its APIC id */
	int fd;
	struct kvm_run *run;
	size_t run_size;
	pthread_t thread;
	bool started;
};

/* Signal that kicks a vCPU thread out of KVM_RUN (its handler does
 * nothing; KVM_RUN returns EINTR). */
#define VCPU_KICK_SIGNAL (SIGRTMIN)

/* Install the kick signal's handler (once per process). */
int vcpu_signals_init(struct iso_err *err);

/* Create vCPU `index` with `cpuid` adjusted for it, and the MSRs Linux
 * expects from firmware. APs stay in KVM's wait-for-SIPI state. */
int vcpu_create(struct vcpu *v, struct vm *vm, unsigned int index, unsigned int cpus,
		const struct kvm_cpuid2 *cpuid, struct iso_err *err);

/* Load the boot CPU's entry state (registers and segments). */
int vcpu_set_entry(struct vcpu *v, const struct vcpu_entry *e, struct iso_err *err);

/* Start the thread (runs until vm stop requested). */
int vcpu_start(struct vcpu *v, struct iso_err *err);

/* Make KVM_RUN return now or on its next entry (immediate_exit + signal). */
void vcpu_kick(struct vcpu *v);

/* Join the thread (after a kick), unmap the run page, close. Idempotent. */
void vcpu_destroy(struct vcpu *v);

#endif
