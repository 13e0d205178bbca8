/* cgroup managers per layout (v2, v1, hybrid, null) and layout detection. */
#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include "cleanup.h"
#include "runid.h"
#include "sweep.h"

static const char *const ctrl_names[CGROUP_CTRL_COUNT] = {
	[CGROUP_MEMORY] = "memory",
	[CGROUP_PIDS] = "pids",
	[CGROUP_CPU] = "cpu",
};

static bool fs_is(const char *path, long magic)
{
	struct statfs sf;

	return statfs(path, &sf) == 0 && (long)sf.f_type == magic;
}

enum cgroup_layout cgroup_classify(bool root_is_v2, bool any_v1, bool unified_v2)
{
	if (root_is_v2)
		return CGROUP_LAYOUT_V2;
	if (any_v1)
		return unified_v2 ? CGROUP_LAYOUT_HYBRID : CGROUP_LAYOUT_V1;
	return unified_v2 ? CGROUP_LAYOUT_V2 : CGROUP_LAYOUT_NONE;
}

const char *cgroup_layout_name(enum cgroup_layout layout)
{
	switch (layout) {
	case CGROUP_LAYOUT_V1:
		return "v1";
	case CGROUP_LAYOUT_V2:
		return "v2";
	case CGROUP_LAYOUT_HYBRID:
		return "hybrid";
	default:
		return "none";
	}
}

/* Controllers listed in a v2 hierarchy's root cgroup.controllers. */
static unsigned int v2_available(const char *mount)
{
	char path[PATH_MAX + 32], buf[512], *save = NULL;
	cleanup_close int fd = -1;
	unsigned int mask = 0;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/cgroup.controllers", mount);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return 0;
	buf[n] = '\0';
	for (char *w = strtok_r(buf, " \n", &save); w; w = strtok_r(NULL, " \n", &save))
		for (int c = 0; c < CGROUP_CTRL_COUNT; c++)
			if (!strcmp(w, ctrl_names[c]))
				mask |= 1u << c;
	return mask;
}

void cgroup_detect(const char *root, struct cgroup_hosts *hosts)
{
	char path[PATH_MAX];
	bool root_v2, any_v1 = false, unified = false;

	memset(hosts, 0, sizeof(*hosts));
	/* Pure v2 mounts cgroup2 at the root; v1 and hybrid put a tmpfs there
	 * with one mount per controller and, for hybrid, "unified". */
	root_v2 = fs_is(root, CGROUP2_SUPER_MAGIC);
	if (root_v2) {
		snprintf(hosts->v2, sizeof(hosts->v2), "%s", root);
	} else {
		for (int c = 0; c < CGROUP_CTRL_COUNT; c++) {
			snprintf(path, sizeof(path), "%s/%s", root, ctrl_names[c]);
			if (fs_is(path, CGROUP_SUPER_MAGIC)) {
				snprintf(hosts->v1[c], sizeof(hosts->v1[c]), "%s", path);
				any_v1 = true;
			}
		}
		snprintf(path, sizeof(path), "%s/unified", root);
		unified = fs_is(path, CGROUP2_SUPER_MAGIC);
		if (unified)
			snprintf(hosts->v2, sizeof(hosts->v2), "%s", path);
	}
	if (hosts->v2[0])
		hosts->v2_ctrls = v2_available(hosts->v2);
	hosts->layout = cgroup_classify(root_v2, any_v1, unified);
}

int cgroup_write(const char *dir, const char *file, const char *val, struct iso_err *err)
{
	char path[PATH_MAX + 64];
	cleanup_close int fd = -1;
	size_t len = strlen(val);

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return iso_err_set(err, -errno, "cgroup: open %s", path);
	if (write(fd, val, len) != (ssize_t)len)
		return iso_err_set(err, -errno, "cgroup: write '%s' to %s", val, path);
	return 0;
}

int cgroup_write_u64(const char *dir, const char *file, uint64_t v, struct iso_err *err)
{
	char num[32];

	snprintf(num, sizeof(num), "%" PRIu64, v);
	return cgroup_write(dir, file, num, err);
}

int cgroup_dir_add(struct cgroup *cg, const char *mount, int version, unsigned int ctrls,
		   struct cgroup_dir **out, struct iso_err *err)
{
	char parent[PATH_MAX];
	struct cgroup_dir *d;

	if (cg->ndirs == CGROUP_DIRS_MAX)
		return iso_err_input(err, -ENOSPC, "cgroup: too many hierarchies");
	snprintf(parent, sizeof(parent), "%s/%s", mount, RUNID_CGROUP_DIR);
	if (mkdir(parent, 0755) < 0 && errno != EEXIST)
		return iso_err_set(err, -errno, "cgroup: mkdir %s", parent);
	d = &cg->dirs[cg->ndirs];
	d->version = version;
	d->ctrls = ctrls;
	d->join_fd = -1;
	if ((size_t)snprintf(d->path, sizeof(d->path), "%s/%s", parent, cg->leaf) >=
	    sizeof(d->path))
		return iso_err_input(err, -ENAMETOOLONG, "cgroup: path under %s", parent);
	if (mkdir(d->path, 0755) < 0)
		return iso_err_set(err, -errno, "cgroup: mkdir %s", d->path);
	cg->ndirs++;
	*out = d;
	return 0;
}

int cgroup_read_key(const char *dir, const char *file, const char *key, uint64_t *val,
		    struct iso_err *err)
{
	char path[PATH_MAX + 64], name[64];
	cleanup_fclose FILE *f = NULL;
	unsigned long long v;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "re");
	if (!f)
		return iso_err_set(err, -errno, "cgroup: open %s", path);
	while (fscanf(f, "%63s %llu", name, &v) == 2)
		if (!strcmp(name, key)) {
			*val = v;
			return 0;
		}
	return iso_err_input(err, -ENOENT, "cgroup: no '%s' in %s", key, path);
}

/* Controllers with a limit to enforce: each must exist somewhere. */
static unsigned int required_ctrls(const struct cgroup_limits *lim)
{
	unsigned int m = 0;

	if (lim->memory_mib)
		m |= 1u << CGROUP_MEMORY;
	if (lim->pids_max)
		m |= 1u << CGROUP_PIDS;
	if (lim->cpu_quota_us)
		m |= 1u << CGROUP_CPU;
	return m;
}

/* Plus memory always, where available: the harness reads the charge and
 * the OOM count from it. */
static unsigned int wanted_ctrls(const struct cgroup_limits *lim)
{
	return required_ctrls(lim) | 1u << CGROUP_MEMORY;
}

static int v2_create(struct cgroup *cg, const struct cgroup_limits *lim, struct iso_err *err)
{
	unsigned int want = wanted_ctrls(lim);

	if (required_ctrls(lim) & ~cg->hosts.v2_ctrls)
		return iso_err_input(err, -EOPNOTSUPP,
				     "cgroup: a limited controller is not available in %s",
				     cg->hosts.v2);
	return cgroup_v2_make(cg, cg->hosts.v2, want & cg->hosts.v2_ctrls, lim, err);
}

/* The v1 hierarchies for `want`; `skip` are served elsewhere (hybrid). */
static int v1_create_some(struct cgroup *cg, const struct cgroup_limits *lim, unsigned int skip,
			  struct iso_err *err)
{
	unsigned int want = wanted_ctrls(lim) & ~skip, required = required_ctrls(lim) & ~skip;
	int r;

	for (int c = 0; c < CGROUP_CTRL_COUNT; c++) {
		if (!(want & (1u << c)))
			continue;
		if (!cg->hosts.v1[c][0]) {
			if (!(required & (1u << c)))
				continue;
			return iso_err_input(err, -EOPNOTSUPP,
					     "cgroup: no hierarchy for the %s controller",
					     ctrl_names[c]);
		}
		if ((r = cgroup_v1_make(cg, cg->hosts.v1[c], 1u << c, lim, err)) < 0)
			return r;
	}
	return 0;
}

static int v1_create(struct cgroup *cg, const struct cgroup_limits *lim, struct iso_err *err)
{
	return v1_create_some(cg, lim, 0, err);
}

/* Hybrid: the v2 hierarchy holds the process (CLONE_INTO_CGROUP) and any
 * controller it owns; every other controller comes from its v1 mount. */
static int hybrid_create(struct cgroup *cg, const struct cgroup_limits *lim, struct iso_err *err)
{
	unsigned int want = wanted_ctrls(lim), on_v2 = 0;
	int r;

	for (int c = 0; c < CGROUP_CTRL_COUNT; c++)
		if ((want & (1u << c)) && !cg->hosts.v1[c][0] && (cg->hosts.v2_ctrls & (1u << c)))
			on_v2 |= 1u << c;
	if ((r = cgroup_v2_make(cg, cg->hosts.v2, on_v2, lim, err)) < 0)
		return r;
	return v1_create_some(cg, lim, on_v2, err);
}

/* "0" written to a v1 `tasks` file moves the writing thread alone, which
 * the kernel does without the global threadgroup lock (and the RCU grace
 * period its writer side waits for, ~10 ms here) that moving another
 * process through cgroup.procs takes. The caller is single-threaded, so
 * the thread is the whole process. */
static int join_v1_dirs(const struct cgroup *cg, struct iso_err *err)
{
	for (size_t i = 0; i < cg->ndirs; i++) {
		const struct cgroup_dir *d = &cg->dirs[i];
		if (d->join_fd >= 0 && write(d->join_fd, "0", 1) != 1)
			return iso_err_set(err, -errno, "cgroup: join %s", d->path);
	}
	return 0;
}

static int join_none(const struct cgroup *cg, struct iso_err *err)
{
	(void)cg;
	(void)err;
	return 0;
}

static const struct cgroup_dir *memory_dir(const struct cgroup *cg)
{
	for (size_t i = 0; i < cg->ndirs; i++)
		if (cg->dirs[i].ctrls & (1u << CGROUP_MEMORY))
			return &cg->dirs[i];
	return NULL;
}

static int oom_any(const struct cgroup *cg, uint64_t *n, struct iso_err *err)
{
	const struct cgroup_dir *d = memory_dir(cg);

	*n = 0;
	if (!d)
		return 0;
	return d->version == 2 ? cgroup_v2_oom_kills(d->path, n, err)
			       : cgroup_v1_oom_kills(d->path, n, err);
}

static int create_none(struct cgroup *cg, const struct cgroup_limits *lim, struct iso_err *err)
{
	(void)cg;
	if (lim->memory_mib || lim->pids_max || lim->cpu_quota_us)
		return iso_err_input(err, -EOPNOTSUPP,
				     "cgroup: limits asked for but no usable cgroup hierarchy");
	return 0;
}

static const struct cgroup_ops ops_v2 = {"v2", v2_create, join_none, oom_any};
static const struct cgroup_ops ops_v1 = {"v1", v1_create, join_v1_dirs, oom_any};
static const struct cgroup_ops ops_hybrid = {"hybrid", hybrid_create, join_v1_dirs, oom_any};
static const struct cgroup_ops ops_none = {"none", create_none, join_none, oom_any};

int cgroup_create(struct cgroup *cg, const struct cgroup_hosts *hosts, const char *leaf,
		  const struct cgroup_limits *lim, bool force_null, struct iso_err *err)
{
	static const struct cgroup_ops *const by_layout[] = {
		[CGROUP_LAYOUT_NONE] = &ops_none,
		[CGROUP_LAYOUT_V1] = &ops_v1,
		[CGROUP_LAYOUT_V2] = &ops_v2,
		[CGROUP_LAYOUT_HYBRID] = &ops_hybrid,
	};
	int r;

	memset(cg, 0, sizeof(*cg));
	cg->clone_fd = -1;
	cg->hosts = *hosts;
	cg->memory_mib = lim->memory_mib;
	snprintf(cg->leaf, sizeof(cg->leaf), "%s", leaf);
	cg->ops = force_null ? &ops_none : by_layout[hosts->layout];
	r = cg->ops->create(cg, lim, err);
	if (r < 0) {
		iso_err_wrap(err, "cgroup %s (%s)", leaf, cg->ops->name);
		cgroup_destroy(cg);
	}
	return r;
}

void cgroup_destroy(struct cgroup *cg)
{
	if (cg->clone_fd >= 0) {
		close(cg->clone_fd);
		cg->clone_fd = -1;
	}
	/* Reverse creation order, through the sweeper's removal (kill what
	 * is left, rmdir with a bounded wait); what still fails is left for
	 * the next sweep, which finds it by name. */
	while (cg->ndirs > 0) {
		struct cgroup_dir *d = &cg->dirs[--cg->ndirs];
		struct sweep_object obj = {.kind = SWEEP_CGROUP};
		if (d->join_fd >= 0)
			close(d->join_fd);
		d->join_fd = -1;
		snprintf(obj.name, sizeof(obj.name), "%s", d->path);
		sweep_remove(&obj, NULL);
	}
}
