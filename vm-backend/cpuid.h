/* Guest CPUID: what KVM supports on this host (KVM_GET_SUPPORTED_CPUID),
 * with the per-vCPU topology fields filled in. */
#ifndef ISOVM_CPUID_H
#define ISOVM_CPUID_H

#include <linux/kvm.h>

#include "err.h"

/* Allocate and fetch the supported table. The caller frees it. */
int cpuid_supported(int kvm_fd, struct kvm_cpuid2 **out, struct iso_err *err);

/* Rewrite `c` in place for the vCPU with APIC id `apic_id` of `cpus`:
 * leaf 1 (initial APIC id, logical count, HTT, hypervisor bit), leaves
 * 0xB/0x1F (x2APIC topology: one thread per core, `cpus` cores) and
 * 0x80000008 (AMD core count). Pure. */
void cpuid_set_topology(struct kvm_cpuid2 *c, unsigned int apic_id, unsigned int cpus);

#endif
