/* The environment a result set was measured in (results/SCHEMA.md
 * "environment"), and the host facts `bench doctor` and the backends ask
 * about: KVM, cgroup layout, perf counters, CPU choice for pinning. */
#ifndef ISO_ENV_H
#define ISO_ENV_H

#include <stdbool.h>

#include <cjson/cJSON.h>

#include "bench_ctx.h"
#include "err.h"

enum env_cgroup {
	ENV_CGROUP_V1,
	ENV_CGROUP_V2,
	ENV_CGROUP_HYBRID, /* v1 controllers plus a v2 mount at unified/ */
};

enum env_kvm {
	ENV_KVM_NONE,
	ENV_KVM_NATIVE,
	ENV_KVM_EMULATED, /* /dev/kvm inside the emulated test machine */
};

enum env_cgroup env_cgroup_layout(void);
const char *env_cgroup_name(enum env_cgroup layout);

/* 0 when this host has a KVM that boots the guest image: /dev/kvm opens
 * read-write and the CPU has hardware virtualization (vmx or svm);
 * otherwise -ENODEV and a one-line reason. */
int env_kvm_check(char *reason, size_t cap);

/* KVM as this process sees it (ENV_KVM_NONE when env_kvm_check fails); `emulated` is what the
 * caller knows (a run re-executed inside scripts/testvm). A QEMU TCG CPU also counts as emulated.
 */
enum env_kvm env_kvm(bool emulated);
const char *env_kvm_name(enum env_kvm kvm);

/* Pick the CPUs from the hwloc topology: the instance on the first PU of
 * the last core, the sink and the harness on the first PU of the first
 * core (the same PU on a one-PU machine). -1 when hwloc fails. */
void env_pick_cpus(int *instance_cpu, int *sink_cpu);

/* The environment object: host, kernel, kvm, emulated, cpu, memory_mib,
 * cgroup, perf_events, versions (every backend of the table plus git),
 * image_hash, git_rev, pinning. */
int env_collect(const struct bench_ctx *ctx, bool emulated, cJSON **out, struct iso_err *err);

#endif
