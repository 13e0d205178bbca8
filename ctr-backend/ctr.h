/* isoctr's internal API: the validated container configuration, the exit
 * classes, and the two halves of a run (host-side monitor in ctr_run.c,
 * container-side set-up in ctr_child.c).
 *
 * Contracts:
 *  - A config is validated once (ctr_opts.c, ctr_bundle.c); later stages
 *    trust its shape but still check the system (paths, links, cgroups).
 *  - Every failure carries an exit class so that a caller can tell bad
 *    input from a failed system; the classes are part of `isoctr --help`.
 *  - Errors follow err.h; only main() prints and exits. */
#ifndef ISOCTR_CTR_H
#define ISOCTR_CTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "runid.h"

/* isoctr's own exit statuses. A container's status (0..255) passes
 * through unchanged when the run itself worked. */
enum ctr_exit {
	CTR_EXIT_USAGE = 116,	/* unknown option, missing or malformed argument */
	CTR_EXIT_LIMIT = 117,	/* bad --memory/--pids/--cpus value */
	CTR_EXIT_ROOTFS = 118,	/* rootfs missing, not a directory, lacks mount points */
	CTR_EXIT_NETNS = 119,	/* --netns names no network namespace */
	CTR_EXIT_NET = 120,	/* unknown bridge, bad address, veth set-up failed */
	CTR_EXIT_BUNDLE = 121,	/* malformed or unsupported OCI bundle */
	CTR_EXIT_CGROUP = 122,	/* cgroup creation or limit failed */
	CTR_EXIT_RUNTIME = 125, /* any other failure of isoctr itself */
	CTR_EXIT_NOEXEC = 126,	/* PROGRAM exists but cannot be executed */
	CTR_EXIT_NOENT = 127,	/* PROGRAM not found in the rootfs */
};

/* `isoctr --version`; bumped when the command line or events change. */
#define CTR_VERSION "isoctr 1.0"

/* 128 + SIGKILL: the status of an OOM-killed container. */
#define CTR_EXIT_OOM 137

#define CTR_BINDS_MAX 16
#define CTR_ENV_MAX   64
#define CTR_NAME_MAX  32
#define CTR_HOST_MAX  64

/* --bind SRC:DST — read-only bind mount of a host path into the container. */
struct ctr_bind {
	const char *src;
	const char *dst;
	char *owned; /* the copy src and dst point into, or NULL */
};

/* Namespaces isoctr may create (a bundle may leave some out). */
enum ctr_ns {
	CTR_NS_PID = 1 << 0,
	CTR_NS_MOUNT = 1 << 1,
	CTR_NS_NET = 1 << 2,
	CTR_NS_UTS = 1 << 3,
	CTR_NS_IPC = 1 << 4,
	CTR_NS_CGROUP = 1 << 5,
	CTR_NS_USER = 1 << 6,
};
#define CTR_NS_DEFAULT                                                                             \
	(CTR_NS_PID | CTR_NS_MOUNT | CTR_NS_NET | CTR_NS_UTS | CTR_NS_IPC | CTR_NS_CGROUP)

struct ctr_config {
	const char *rootfs;
	bool rootfs_rw;			  /* default: read-only, shared between instances */
	char *const *argv;		  /* PROGRAM ARGS..., NULL-terminated */
	const char *env[CTR_ENV_MAX + 1]; /* extra KEY=VALUE, NULL-terminated */
	size_t nenv;
	const char *cwd; /* inside the container; default "/" */
	char hostname[CTR_HOST_MAX];
	char name[CTR_NAME_MAX]; /* cgroup <rid>-<name>; default "ctr" */
	char rid[RUNID_BUF];	 /* empty: generate one */
	unsigned int namespaces; /* enum ctr_ns bits */
	uint64_t memory_mib;	 /* 0: no limit */
	uint64_t pids_max;	 /* 0: no limit */
	uint64_t cpu_quota_us;	 /* 0: no limit; per cpu_period_us */
	uint64_t cpu_period_us;
	bool no_cgroup;	    /* --no-cgroup: the null cgroup manager */
	const char *netns;  /* NAME in /run/netns, or a path */
	const char *bridge; /* bridge in that namespace */
	char ip[64];	    /* address/prefix for eth0 */
	char gw[64];	    /* default gateway, optional */
	struct ctr_bind binds[CTR_BINDS_MAX];
	size_t nbinds;
	int events_fd;	    /* event lines go here; -1: none */
	bool events_stderr; /* --events: print event lines on stderr */
	/* The `isoctr run` arguments this config was parsed from (argv[0] is
	 * "run"), for handing a --bundle run on (ctr-backend/exec/). */
	char **cmdline;
	int cmdline_len;
	/* Owned by the config when it came from a bundle. */
	struct cJSON *bundle_json;
	char **bundle_argv;
	char bundle_rootfs[4096];
};

/* Parse `isoctr run` arguments (argv[0] is "run"). On failure sets *cls
 * (CTR_EXIT_USAGE, CTR_EXIT_LIMIT or CTR_EXIT_BUNDLE) and returns -EINVAL.
 * Strings in cfg point into argv or into the bundle kept by ctr_bundle. */
int ctr_opts_parse(int argc, char **argv, struct ctr_config *cfg, enum ctr_exit *cls,
		   struct iso_err *err);

/* Fill cfg from an OCI bundle's config.json (the subset documented in
 * ctr-backend/README.md); command-line options given after --bundle
 * override it. -EINVAL with a message naming the field on bad input. The
 * parsed document and argv are owned by cfg until ctr_config_release().
 * Two implementations: ctr_bundle.c (cJSON; in build/isoctr-bundle and the
 * unit tests) and exec/bundle_exec.c (the static build/isoctr: runs the
 * same command line with isoctr-bundle, or fails). */
int ctr_bundle_load(const char *dir, struct ctr_config *cfg, struct iso_err *err);

/* Free what ctr_bundle_load() left in cfg (idempotent). */
void ctr_bundle_release(struct ctr_config *cfg);

/* Defaults for every field (no limits, default namespaces, no events). */
void ctr_config_init(struct ctr_config *cfg);

/* Free what the config owns (idempotent). */
void ctr_config_release(struct ctr_config *cfg);

/* What a finished run reports besides its status. */
struct ctr_result {
	int status;		     /* exit status isoctr should exit with */
	bool oom;		     /* the cgroup OOM-killed a process */
	uint64_t oom_kills;	     /* how many */
	int signal;		     /* SIGINT/SIGTERM/SIGHUP that ended the run, or 0 */
	unsigned long rejected;	     /* malformed bench port frames */
	struct iso_err first_reject; /* the first one's reason */
	char rid[RUNID_BUF];
};

/* Run the container to completion. Returns 0 with res->status set to the
 * container's exit status (128+N for signal N, CTR_EXIT_OOM when the
 * cgroup OOM-killed a process, 128+N when isoctr got signal N), or a
 * negative errno with *cls and err set. Everything created is removed
 * before return on every path. */
int ctr_run(const struct ctr_config *cfg, struct ctr_result *res, enum ctr_exit *cls,
	    struct iso_err *err);

#endif
