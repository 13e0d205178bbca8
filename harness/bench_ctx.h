/* Run-wide context shared by the run loop, the runner and the backends:
 * where the project's artefacts are, the run id, the state directory, the
 * network lab and the CPUs chosen for instances. */
#ifndef ISO_BENCH_CTX_H
#define ISO_BENCH_CTX_H

#include <limits.h>
#include <signal.h>

#include "err.h"
#include "runid.h"

struct netlab;

/* The project's artefacts, relative to the repository root. */
#define BENCH_ROOTFS "build/image/rootfs"
#define BENCH_INITRD "build/image/initramfs.cpio"
#define BENCH_HASH   "build/image/HASH"
#define BENCH_KERNEL "build/guest/vmlinuz"
#define BENCH_ISOCTR "build/isoctr"
#define BENCH_ISOVM  "build/isovm"
#define BENCH_SINK   "build/bench-sink"

struct bench_ctx {
	char top[PATH_MAX]; /* repository root; build/ lives below it */
	char rid[RUNID_BUF];
	char state_dir[PATH_MAX];   /* /run/isobench/<rid> */
	struct netlab *net;	    /* NULL: instances get no network lab */
	int instance_cpu;	    /* CPU instances are pinned to, -1: none */
	int sink_cpu;		    /* CPU of the sink and helpers, -1: none */
	unsigned int timeout_s;	    /* per instance: launch -> EXIT */
	unsigned int guest_mem_mib; /* VM backends' guest RAM */
	/* Set from a signal handler: waits return -EINTR promptly. */
	const volatile sig_atomic_t *cancel;
};

/* Format "<top>/<rel>" into buf. -ENAMETOOLONG when it does not fit. */
int bench_ctx_path(const struct bench_ctx *ctx, const char *rel, char *buf, size_t cap,
		   struct iso_err *err);

/* 1 when "<top>/<rel>" exists and is readable. */
int bench_ctx_have(const struct bench_ctx *ctx, const char *rel);

#endif
