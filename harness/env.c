/* Environment: topology (hwloc), kernel, KVM, cgroups, perf, versions. */
#include "env.h"

#include <errno.h>
#include <fcntl.h>
#include <hwloc.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "backend.h"
#include "fsutil.h"
#include "probe_perf.h"

enum env_cgroup env_cgroup_layout(void)
{
	if (access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0)
		return ENV_CGROUP_V2;
	if (access("/sys/fs/cgroup/unified/cgroup.controllers", F_OK) == 0)
		return ENV_CGROUP_HYBRID;
	return ENV_CGROUP_V1;
}

const char *env_cgroup_name(enum env_cgroup layout)
{
	static const char *const names[] = {"v1", "v2", "hybrid"};

	return names[layout];
}

/* Whether the "flags" line of /proc/cpuinfo (`text`) has `flag`. */
static bool cpu_has_flag(const char *text, const char *flag)
{
	const char *line = strstr(text, "\nflags");
	size_t len = strlen(flag);

	if (!line)
		return false;
	line = strchr(line, ':');
	for (const char *p = line; p && *p && *p != '\n'; p++)
		if (p[-1] == ' ' && !strncmp(p, flag, len) && (p[len] == ' ' || p[len] == '\n'))
			return true;
	return false;
}

int env_kvm_check(char *reason, size_t cap)
{
	char text[64 * 1024];
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		snprintf(reason, cap, "/dev/kvm: %s", strerror(errno));
		return -ENODEV;
	}
	close(fd);
	/* KVM proper runs on VT-x or AMD-V. A /dev/kvm without them (e.g.
	 * kvm_pvm's page-table based virtualization) boots only kernels built
	 * as its own guests, not the guest image's. */
	if (fsutil_read("/proc/cpuinfo", text, sizeof(text), NULL) > 0 &&
	    !cpu_has_flag(text, "vmx") && !cpu_has_flag(text, "svm")) {
		snprintf(reason, cap,
			 "/dev/kvm without hardware virtualization: no vmx or svm CPU flag");
		return -ENODEV;
	}
	return 0;
}

enum env_kvm env_kvm(bool emulated)
{
	char text[64 * 1024], reason[128];

	if (env_kvm_check(reason, sizeof(reason)) < 0)
		return ENV_KVM_NONE;
	/* QEMU's TCG CPU models are named "QEMU Virtual CPU" (target/i386/cpu.c). */
	if (emulated || (fsutil_read("/proc/cpuinfo", text, sizeof(text), NULL) > 0 &&
			 strstr(text, "QEMU Virtual CPU")))
		return ENV_KVM_EMULATED;
	return ENV_KVM_NATIVE;
}

const char *env_kvm_name(enum env_kvm kvm)
{
	static const char *const names[] = {"none", "native", "emulated"};

	return names[kvm];
}

void env_pick_cpus(int *instance_cpu, int *sink_cpu)
{
	hwloc_topology_t topo;
	hwloc_obj_t first, last;
	int ncores;

	*instance_cpu = *sink_cpu = -1;
	if (hwloc_topology_init(&topo) < 0)
		return;
	if (hwloc_topology_load(topo) == 0) {
		ncores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
		first = hwloc_get_obj_by_type(topo, HWLOC_OBJ_CORE, 0);
		last = ncores > 0
			       ? hwloc_get_obj_by_type(topo, HWLOC_OBJ_CORE, (unsigned)ncores - 1)
			       : NULL;
		if (first && last && first->cpuset && last->cpuset) {
			*sink_cpu = hwloc_bitmap_first(first->cpuset);
			*instance_cpu = hwloc_bitmap_first(last->cpuset);
		}
	}
	hwloc_topology_destroy(topo);
}

static cJSON *env_cpu(void)
{
	cJSON *cpu = cJSON_CreateObject();
	hwloc_topology_t topo;
	const char *model = NULL;
	hwloc_obj_t pkg;

	if (hwloc_topology_init(&topo) < 0)
		return cpu;
	if (hwloc_topology_load(topo) == 0) {
		pkg = hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, 0);
		if (pkg)
			model = hwloc_obj_get_info_by_name(pkg, "CPUModel");
		cJSON_AddStringToObject(cpu, "model", model ? model : "unknown");
		cJSON_AddNumberToObject(cpu, "packages",
					hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PACKAGE));
		cJSON_AddNumberToObject(cpu, "cores",
					hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE));
		cJSON_AddNumberToObject(cpu, "pus", hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU));
		cJSON_AddNumberToObject(cpu, "numa_nodes",
					hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE));
	}
	hwloc_topology_destroy(topo);
	return cpu;
}

static void env_git_rev(const struct bench_ctx *ctx, char *buf, size_t cap)
{
	char rev[64] = "", dirty[256] = "";
	char *rev_argv[] = {"git", "-C", (char *)ctx->top, "rev-parse", "--short", "HEAD", NULL};
	char *st_argv[] = {"git",    "-C",	    (char *)ctx->top,
			   "status", "--porcelain", "--untracked-files=no",
			   NULL};

	fsutil_first_line(rev_argv, rev, sizeof(rev));
	fsutil_first_line(st_argv, dirty, sizeof(dirty));
	snprintf(buf, cap, "%s%s", rev[0] ? rev : "unknown", dirty[0] ? " (+dirty)" : "");
}

int env_collect(const struct bench_ctx *ctx, bool emulated, cJSON **out, struct iso_err *err)
{
	cJSON *env = cJSON_CreateObject(), *perf, *versions, *pin;
	struct utsname u;
	char buf[256], path[PATH_MAX], meminfo[8192];
	unsigned int avail = probe_perf_available();
	unsigned long memkib = 0;
	enum env_kvm kvm = env_kvm(emulated);

	if (!env)
		return iso_err_set(err, -ENOMEM, "environment");
	uname(&u);
	cJSON_AddStringToObject(env, "host", u.nodename);
	cJSON_AddStringToObject(env, "kernel", u.release);
	cJSON_AddStringToObject(env, "kvm", env_kvm_name(kvm));
	cJSON_AddBoolToObject(env, "emulated", kvm == ENV_KVM_EMULATED);
	cJSON_AddItemToObject(env, "cpu", env_cpu());
	if (fsutil_read("/proc/meminfo", meminfo, sizeof(meminfo), NULL) > 0)
		sscanf(meminfo, "MemTotal: %lu", &memkib);
	cJSON_AddNumberToObject(env, "memory_mib", (double)(memkib / 1024));
	cJSON_AddStringToObject(env, "cgroup", env_cgroup_name(env_cgroup_layout()));
	perf = cJSON_AddObjectToObject(env, "perf_events");
	for (int i = 0; i < PROBE_PERF_COUNT; i++)
		cJSON_AddBoolToObject(perf, probe_perf_events[i].pfm_name, (avail >> i) & 1);
	versions = cJSON_AddObjectToObject(env, "versions");
	for (size_t i = 0; i < backend_table_count; i++) {
		const struct backend *be = backend_table[i];

		buf[0] = '\0';
		if (be->version)
			be->version(be, ctx, buf, sizeof(buf));
		if (buf[0])
			cJSON_AddStringToObject(versions, be->name, buf);
	}
	env_git_rev(ctx, buf, sizeof(buf));
	cJSON_AddStringToObject(env, "git_rev", buf);
	buf[0] = '\0';
	if (bench_ctx_path(ctx, BENCH_HASH, path, sizeof(path), NULL) == 0 &&
	    fsutil_read(path, buf, sizeof(buf), NULL) > 0)
		buf[strcspn(buf, " \n")] = '\0';
	cJSON_AddStringToObject(env, "image_hash", buf[0] ? buf : "unknown");
	pin = cJSON_AddObjectToObject(env, "pinning");
	cJSON_AddNumberToObject(pin, "instance_cpu", ctx->instance_cpu);
	cJSON_AddNumberToObject(pin, "sink_cpu", ctx->sink_cpu);
	*out = env;
	return 0;
}
