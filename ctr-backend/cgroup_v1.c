/* cgroup v1 directories: one per controller hierarchy, limits, OOM. */
#include "cgroup.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/stat.h>

#include "runid.h"

#define MIB_BYTES 1048576ull

static int write_u64(const char *dir, const char *file, uint64_t v, struct iso_err *err)
{
	char num[32];

	snprintf(num, sizeof(num), "%" PRIu64, v);
	return cgroup_write(dir, file, num, err);
}

static int set_limits(const char *dir, unsigned int ctrls, const struct cgroup_limits *lim,
		      struct iso_err *err)
{
	int r = 0;

	if ((ctrls & (1u << CGROUP_MEMORY)) && lim->memory_mib) {
		uint64_t bytes = lim->memory_mib * MIB_BYTES;
		if ((r = write_u64(dir, "memory.limit_in_bytes", bytes, err)) < 0)
			return r;
		/* memory+swap, present only with swap accounting; must be set
		 * after (and >=) limit_in_bytes (cgroup-v1/memory.rst 2.5). */
		r = write_u64(dir, "memory.memsw.limit_in_bytes", bytes, err);
		if (r == -ENOENT)
			r = 0;
	}
	if (r == 0 && (ctrls & (1u << CGROUP_PIDS)) && lim->pids_max)
		r = write_u64(dir, "pids.max", lim->pids_max, err);
	if (r == 0 && (ctrls & (1u << CGROUP_CPU)) && lim->cpu_quota_us) {
		/* Period first: the kernel checks quota against it. */
		if ((r = write_u64(dir, "cpu.cfs_period_us", lim->cpu_period_us, err)) == 0)
			r = write_u64(dir, "cpu.cfs_quota_us", lim->cpu_quota_us, err);
	}
	return r;
}

int cgroup_v1_make(struct cgroup *cg, const char *mount, unsigned int ctrls,
		   const struct cgroup_limits *lim, struct iso_err *err)
{
	char parent[PATH_MAX];
	struct cgroup_dir *d;

	if (cg->ndirs == CGROUP_DIRS_MAX)
		return iso_err_input(err, -ENOSPC, "cgroup: too many hierarchies");
	snprintf(parent, sizeof(parent), "%s/%s", mount, RUNID_CGROUP_DIR);
	if (mkdir(parent, 0755) < 0 && errno != EEXIST)
		return iso_err_set(err, -errno, "cgroup: mkdir %s", parent);
	d = &cg->dirs[cg->ndirs];
	d->version = 1;
	d->ctrls = ctrls;
	if ((size_t)snprintf(d->path, sizeof(d->path), "%s/%s", parent, cg->leaf) >=
	    sizeof(d->path))
		return iso_err_input(err, -ENAMETOOLONG, "cgroup: path under %s", parent);
	if (mkdir(d->path, 0755) < 0)
		return iso_err_set(err, -errno, "cgroup: mkdir %s", d->path);
	cg->ndirs++;
	return set_limits(d->path, ctrls, lim, err);
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
