/* cgroup v1 directories: one per controller hierarchy, limits, OOM. */
#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>

#define MIB_BYTES 1048576ull

static int set_limits(const char *dir, unsigned int ctrls, const struct cgroup_limits *lim,
		      struct iso_err *err)
{
	int r = 0;

	if ((ctrls & (1u << CGROUP_MEMORY)) && lim->memory_mib) {
		uint64_t bytes = lim->memory_mib * MIB_BYTES;
		if ((r = cgroup_write_u64(dir, "memory.limit_in_bytes", bytes, err)) < 0)
			return r;
		/* memory+swap, present only with swap accounting; must be set
		 * after (and >=) limit_in_bytes (cgroup-v1/memory.rst 2.5). */
		r = cgroup_write_u64(dir, "memory.memsw.limit_in_bytes", bytes, err);
		if (r == -ENOENT)
			r = 0;
	}
	if (r == 0 && (ctrls & (1u << CGROUP_PIDS)) && lim->pids_max)
		r = cgroup_write_u64(dir, "pids.max", lim->pids_max, err);
	if (r == 0 && (ctrls & (1u << CGROUP_CPU)) && lim->cpu_quota_us) {
		/* Period first: the kernel checks quota against it. */
		if ((r = cgroup_write_u64(dir, "cpu.cfs_period_us", lim->cpu_period_us, err)) == 0)
			r = cgroup_write_u64(dir, "cpu.cfs_quota_us", lim->cpu_quota_us, err);
	}
	return r;
}

int cgroup_v1_make(struct cgroup *cg, const char *mount, unsigned int ctrls,
		   const struct cgroup_limits *lim, struct iso_err *err)
{
	struct cgroup_dir *d;
	char path[PATH_MAX + 8];
	int r;

	if ((r = cgroup_dir_add(cg, mount, 1, ctrls, &d, err)) < 0)
		return r;
	if ((r = set_limits(d->path, ctrls, lim, err)) < 0)
		return r;
	/* The container joins by itself (cgroup_join()) through this file,
	 * opened here so that the check is against the monitor's credentials. */
	snprintf(path, sizeof(path), "%s/tasks", d->path);
	d->join_fd = open(path, O_WRONLY | O_CLOEXEC);
	if (d->join_fd < 0)
		return iso_err_set(err, -errno, "cgroup: open %s", path);
	return 0;
}

int cgroup_v1_oom_kills(const char *dir, uint64_t *n, struct iso_err *err)
{
	uint64_t under = 0;

	/* memory.oom_control gained "oom_kill" in Linux 4.13; older kernels
	 * only say whether the group is under OOM right now. */
	if (cgroup_read_key(dir, "memory.oom_control", "oom_kill", n, NULL) == 0)
		return 0;
	if (cgroup_read_key(dir, "memory.oom_control", "under_oom", &under, err) < 0)
		return -ENOENT;
	*n = under;
	return 0;
}
