/* cgroup managers: one ops struct per host layout (v2, v1, hybrid, and a
 * null object when no cgroup filesystem is usable), each creating one
 * cgroup per container named isobench/<rid>-<name> under every hierarchy
 * it uses, with memory, pids and cpu limits, OOM detection, and removal.
 *
 * Contracts:
 *  - Only directories under <hierarchy>/isobench/ that this manager created
 *    are written or removed; the one change made above them is enabling
 *    the needed v2 controllers in the parent's cgroup.subtree_control when
 *    they are not enabled yet (without which no v2 limit can exist).
 *  - cgroup_destroy() is idempotent and handles a half-built cgroup. */
#ifndef ISOCTR_CGROUP_H
#define ISOCTR_CGROUP_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "err.h"

#define CGROUP_ROOT	"/sys/fs/cgroup"
#define CGROUP_DIRS_MAX 4

enum cgroup_layout {
	CGROUP_LAYOUT_NONE,
	CGROUP_LAYOUT_V1,
	CGROUP_LAYOUT_V2,
	CGROUP_LAYOUT_HYBRID, /* v1 controllers plus a v2 hierarchy */
};

enum cgroup_ctrl {
	CGROUP_MEMORY,
	CGROUP_PIDS,
	CGROUP_CPU,
	CGROUP_CTRL_COUNT,
};

struct cgroup_limits {
	uint64_t memory_mib; /* 0: none */
	uint64_t pids_max;   /* 0: none */
	uint64_t cpu_quota_us;
	uint64_t cpu_period_us; /* quota 0: none */
};

/* Where each controller lives on this host. */
struct cgroup_hosts {
	enum cgroup_layout layout;
	char v2[PATH_MAX];		      /* v2 mount, "" when none */
	unsigned int v2_ctrls;		      /* bit per enum cgroup_ctrl */
	char v1[CGROUP_CTRL_COUNT][PATH_MAX]; /* v1 mount per controller, or "" */
};

/* One directory this manager created. */
struct cgroup_dir {
	int version;	    /* 1 or 2 */
	unsigned int ctrls; /* controllers this directory serves */
	int join_fd;	    /* v1: its `tasks` file, open for cgroup_join(); else -1 */
	char path[PATH_MAX];
};

struct cgroup;

struct cgroup_ops {
	const char *name;
	/* Make the directories and write the limits. */
	int (*create)(struct cgroup *cg, const struct cgroup_limits *lim, struct iso_err *err);
	/* Put the calling process, single-threaded (the container between
	 * clone3 and execve), into every directory it did not enter at clone
	 * time. Changes nothing in `cg`, which may be the monitor's own
	 * memory (ctr_run.c); the descriptors are close-on-exec. */
	int (*join)(const struct cgroup *cg, struct iso_err *err);
	/* Number of OOM kills in the container's memory cgroup. */
	int (*oom_kills)(const struct cgroup *cg, uint64_t *n, struct iso_err *err);
};

struct cgroup {
	const struct cgroup_ops *ops;
	struct cgroup_hosts hosts;
	char leaf[64]; /* "<rid>-<name>" */
	struct cgroup_dir dirs[CGROUP_DIRS_MAX];
	size_t ndirs;
	int clone_fd; /* v2 directory for CLONE_INTO_CGROUP, -1: none */
	uint64_t memory_mib;
};

/* Find the hierarchies below `root` (CGROUP_ROOT normally) by filesystem
 * type. Never fails: a host without cgroups gets CGROUP_LAYOUT_NONE. */
void cgroup_detect(const char *root, struct cgroup_hosts *hosts);

/* Classify from the filesystems found: the pure decision, for tests. */
enum cgroup_layout cgroup_classify(bool root_is_v2, bool any_v1, bool unified_v2);

const char *cgroup_layout_name(enum cgroup_layout layout);

/* Create the container's cgroup "<leaf>" with `lim` using the manager for
 * `hosts->layout` (`force_null`: the null manager, e.g. rootless without
 * limits). -EEXIST when a cgroup of that name exists; -EINVAL when the
 * kernel rejects a limit. */
int cgroup_create(struct cgroup *cg, const struct cgroup_hosts *hosts, const char *leaf,
		  const struct cgroup_limits *lim, bool force_null, struct iso_err *err);

static inline int cgroup_join(const struct cgroup *cg, struct iso_err *err)
{
	return cg->ops->join(cg, err);
}

static inline int cgroup_oom_kills(const struct cgroup *cg, uint64_t *n, struct iso_err *err)
{
	return cg->ops->oom_kills(cg, n, err);
}

/* Kill what is left inside and remove every directory created. */
void cgroup_destroy(struct cgroup *cg);

/* Per-version directory operations, used by the managers. */
/* Make <mount>/isobench/<leaf> (and isobench/ as needed) and record it
 * in `cg`; `*out` is the new entry. */
int cgroup_dir_add(struct cgroup *cg, const char *mount, int version, unsigned int ctrls,
		   struct cgroup_dir **out, struct iso_err *err);
int cgroup_v1_make(struct cgroup *cg, const char *mount, unsigned int ctrls,
		   const struct cgroup_limits *lim, struct iso_err *err);
int cgroup_v1_oom_kills(const char *dir, uint64_t *n, struct iso_err *err);
int cgroup_v2_make(struct cgroup *cg, const char *mount, unsigned int ctrls,
		   const struct cgroup_limits *lim, struct iso_err *err);
int cgroup_v2_oom_kills(const char *dir, uint64_t *n, struct iso_err *err);

/* Write `val` (or the number `v`) to `dir`/`file`. */
int cgroup_write(const char *dir, const char *file, const char *val, struct iso_err *err);
int cgroup_write_u64(const char *dir, const char *file, uint64_t v, struct iso_err *err);

/* Value of "`key` N" in a flat-keyed file (memory.events, oom_control). */
int cgroup_read_key(const char *dir, const char *file, const char *key, uint64_t *val,
		    struct iso_err *err);

#endif
