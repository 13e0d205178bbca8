/* The sweeper: finds and removes the kernel objects that runs left behind
 * (runid.h names them), for `bench clean`, `isoctr sweep` and isovm.
 *
 * Objects are (kind x run id). A run is swept when its owner recorded in
 * <state root>/<rid>/owner.pid is dead, or when it has no owner record at
 * all (a component must create its run's state dir before anything else).
 * Removal order is the kind order below: processes die before the cgroups
 * and namespaces they hold are removed.
 *
 * Kinds and where they are found:
 *   SWEEP_PROCESS  members of a swept cgroup; processes inside a swept netns
 *   SWEEP_MOUNT    mount points under <state root>/<rid>/
 *   SWEEP_NETNS    <netns root>/isob-<rid>-*   (unmounted, then unlinked)
 *   SWEEP_LINK     links ib<rid>* in the caller's network namespace
 *   SWEEP_CGROUP   <hierarchy>/isobench/<rid>-* under <cgroup root>, children
 *                  first; members are killed (cgroup.kill where present)
 *   SWEEP_STATE    <state root>/<rid>/
 * Nothing is touched that does not carry a swept run id in its name. */
#ifndef ISO_SWEEP_H
#define ISO_SWEEP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "runid.h"

enum sweep_kind {
	SWEEP_PROCESS,
	SWEEP_MOUNT,
	SWEEP_NETNS,
	SWEEP_LINK,
	SWEEP_CGROUP,
	SWEEP_STATE,
	SWEEP_KIND_COUNT,
};

/* Where to look and what to select. NULL roots mean the system paths. */
struct sweep_config {
	const char *state_root;	 /* RUNID_STATE_ROOT */
	const char *netns_root;	 /* "/run/netns" */
	const char *cgroup_root; /* "/sys/fs/cgroup" */
	const char *mountinfo;	 /* "/proc/self/mountinfo" */
	const char *only_rid;	 /* sweep this run only; NULL: every run */
	bool include_live;	 /* also runs whose owner is alive (forced) */
	bool skip_links;	 /* do not query netlink (unit tests) */
};

struct sweep_object {
	enum sweep_kind kind;
	char rid[RUNID_BUF];
	char name[PATH_MAX]; /* path, link name, or pid in decimal */
};

/* Called for each object found, in removal order. Return 0 to go on, a
 * negative errno to stop the walk with that result. */
typedef int (*sweep_visit_fn)(const struct sweep_object *obj, void *ctx);

/* Find every object of every selected run, in removal order, without
 * changing anything. */
int sweep_collect(const struct sweep_config *cfg, sweep_visit_fn fn, void *ctx,
		  struct iso_err *err);

/* Remove one object found by sweep_collect(). An object that is already
 * gone counts as removed. */
int sweep_remove(const struct sweep_object *obj, struct iso_err *err);

struct sweep_stats {
	unsigned int removed[SWEEP_KIND_COUNT];
	unsigned int failed; /* objects that could not be removed */
};

/* Collect, then remove in order. Failures to remove one object are
 * counted, the first one recorded in `err`, and the sweep goes on; the
 * result is 0 when everything went, else the first failure's code. */
int sweep_run(const struct sweep_config *cfg, struct sweep_stats *st, struct iso_err *err);

/* Human name of a kind ("process", "mount", ...). */
const char *sweep_kind_name(enum sweep_kind kind);

#endif
