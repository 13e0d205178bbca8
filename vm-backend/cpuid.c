/* CPUID: KVM's supported leaves, plus topology per vCPU (Intel SDM vol. 2A
 * "CPUID", leaves 01H and 0BH/1FH; AMD APM vol. 3, 8000_0008h). */
#include "cpuid.h"

#include <errno.h>
#include <stdlib.h>

#include "kvm_ioctl.h"

#define CPUID_LEAF_FEATURES    0x1u
#define CPUID_LEAF_TOPOLOGY    0xbu
#define CPUID_LEAF_TOPOLOGY_V2 0x1fu
#define CPUID_LEAF_AMD_SIZES   0x80000008u
#define CPUID_1_EDX_HTT	       (1u << 28)
#define CPUID_1_ECX_HYPERVISOR (1u << 31)
#define CPUID_TOPO_LEVEL_SMT   1u
#define CPUID_TOPO_LEVEL_CORE  2u

int cpuid_supported(int kvm_fd, struct kvm_cpuid2 **out, struct iso_err *err)
{
	/* Grow until KVM stops answering E2BIG (it reports ~60 entries). */
	for (unsigned int n = 64; n <= 4096; n *= 2) {
		struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(struct kvm_cpuid_entry2));
		int r;

		if (!c)
			return iso_err_set(err, -ENOMEM, "cpuid: allocate %u entries", n);
		c->nent = n;
		r = kvm_ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c, err);
		if (r >= 0) {
			*out = c;
			return 0;
		}
		free(c);
		if (r != -E2BIG)
			return r;
	}
	return iso_err_set(err, -E2BIG, "KVM_GET_SUPPORTED_CPUID: table too large");
}

/* Smallest s with (1 << s) >= n: the x2APIC id bits a level spans. */
static unsigned int cpuid_id_bits(unsigned int n)
{
	unsigned int s = 0;

	while ((1u << s) < n)
		s++;
	return s;
}

void cpuid_set_topology(struct kvm_cpuid2 *c, unsigned int apic_id, unsigned int cpus)
{
	for (unsigned int i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		switch (e->function) {
		case CPUID_LEAF_FEATURES:
			/* EBX[31:24] initial APIC id, EBX[23:16] logical
			 * processors per package. */
			e->ebx = (e->ebx & 0xffffu) | (apic_id << 24) | ((cpus & 0xffu) << 16);
			if (cpus > 1)
				e->edx |= CPUID_1_EDX_HTT;
			else
				e->edx &= ~CPUID_1_EDX_HTT;
			/* Tells the kernel to look for KVM's paravirt leaves
			 * (kvm-clock): the fastest clock to boot with. */
			e->ecx |= CPUID_1_ECX_HYPERVISOR;
			break;
		case CPUID_LEAF_TOPOLOGY:
		case CPUID_LEAF_TOPOLOGY_V2:
			/* EAX: id bits to shift to the next level; EBX: logical
			 * processors at this level; ECX[15:8]: level type;
			 * EDX: this CPU's x2APIC id. */
			e->edx = apic_id;
			if (e->index == 0) {
				e->eax = 0;
				e->ebx = 1;
				e->ecx = (CPUID_TOPO_LEVEL_SMT << 8) | e->index;
			} else if (e->index == 1) {
				e->eax = cpuid_id_bits(cpus);
				e->ebx = cpus;
				e->ecx = (CPUID_TOPO_LEVEL_CORE << 8) | e->index;
			} else {
				e->eax = e->ebx = 0;
				e->ecx = e->index;
			}
			break;
		case CPUID_LEAF_AMD_SIZES:
			/* ECX[7:0] cores - 1, ECX[15:12] APIC id bits for cores. */
			e->ecx = (e->ecx & ~0xf0ffu) | ((cpus - 1) & 0xffu) |
				 (cpuid_id_bits(cpus) << 12);
			break;
		default:
			break;
		}
	}
}
