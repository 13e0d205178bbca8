/* cgroup v2 directories: create with controllers enabled, limits, OOM. */
#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "runid.h"

#define MIB_BYTES 1048576ull

static const char *const v2_names[CGROUP_CTRL_COUNT] = {
	[CGROUP_MEMORY] = "memory",
	[CGROUP_PIDS] = "pids",
	[CGROUP_CPU] = "cpu",
};

/* Enable `ctrls` for the children of `dir` unless already enabled
 * (cgroup-v2.rst "Enabling and Disabling"): a limit file only exists in a
 * child when its parent's subtree_control lists the controller. */
static int enable_subtree(const char *dir, unsigned int ctrls, struct iso_err *err)
{
	char path[PATH_MAX + 32], have[256] = "", cmd[64] = "";
	cleanup_close int fd = -1;
	ssize_t n;

	if (!ctrls)
		return 0;
	snprintf(path, sizeof(path), "%s/cgroup.subtree_control", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && (n = read(fd, have, sizeof(have) - 1)) > 0)
		have[n] = '\0';
	for (int c = 0; c < CGROUP_CTRL_COUNT; c++) {
		char word[16];
		const char *p = have;
		bool found = false;
		size_t len = strlen(v2_names[c]);

		if (!(ctrls & (1u << c)))
			continue;
		while ((p = strstr(p, v2_names[c]))) {
			if ((p == have || p[-1] == ' ') &&
			    (p[len] == ' ' || p[len] == '\n' || !p[len]))
				found = true;
			p += len;
		}
		if (!found) {
			snprintf(word, sizeof(word), "+%s ", v2_names[c]);
			strcat(cmd, word);
		}
	}
	if (!cmd[0])
		return 0;
	return cgroup_write(dir, "cgroup.subtree_control", cmd, err);
}

int cgroup_v2_make(struct cgroup *cg, const char *mount, unsigned int ctrls,
		   const struct cgroup_limits *lim, struct iso_err *err)
{
	struct cgroup_dir *d;
	char parent[PATH_MAX], val[64];
	int r;

	if ((r = cgroup_dir_add(cg, mount, 2, ctrls, &d, err)) < 0)
		return r;
	/* Enabling for a parent that already has children is allowed; isobench/
	 * holds no process, so no internal-process rule is in the way. */
	snprintf(parent, sizeof(parent), "%s/%s", mount, RUNID_CGROUP_DIR);
	if ((r = enable_subtree(mount, ctrls, err)) < 0 ||
	    (r = enable_subtree(parent, ctrls, err)) < 0)
		return r;
	if ((ctrls & (1u << CGROUP_MEMORY)) && lim->memory_mib) {
		if ((r = cgroup_write_u64(d->path, "memory.max", lim->memory_mib * MIB_BYTES,
					  err)) < 0)
			return r;
		/* Without swap accounting the file is absent: nothing to cap. */
		if ((r = cgroup_write(d->path, "memory.swap.max", "0", err)) < 0 && r != -ENOENT)
			return r;
	}
	if ((ctrls & (1u << CGROUP_PIDS)) && lim->pids_max &&
	    (r = cgroup_write_u64(d->path, "pids.max", lim->pids_max, err)) < 0)
		return r;
	if ((ctrls & (1u << CGROUP_CPU)) && lim->cpu_quota_us) {
		/* cgroup-v2.rst cpu.max: "$MAX $PERIOD" in microseconds. */
		snprintf(val, sizeof(val), "%" PRIu64 " %" PRIu64, lim->cpu_quota_us,
			 lim->cpu_period_us);
		if ((r = cgroup_write(d->path, "cpu.max", val, err)) < 0)
			return r;
	}
	if (cg->clone_fd < 0) {
		cg->clone_fd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cg->clone_fd < 0)
			return iso_err_set(err, -errno, "cgroup: open %s", d->path);
	}
	return 0;
}

int cgroup_v2_oom_kills(const char *dir, uint64_t *n, struct iso_err *err)
{
	/* memory.events counts the whole subtree (memory.events.local does
	 * not); "oom_kill" is the number of processes killed. */
	return cgroup_read_key(dir, "memory.events", "oom_kill", n, err);
}
