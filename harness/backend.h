/* The backend interface: every way of running a workload (natively, in
 * isoctr, in isovm, in a peer such as runc or QEMU microvm) plugs into the
 * run loop through one ops struct, registered in one table
 * (backend_table.c). A backend only says *what* to run; the harness owns
 * launching it (clock, CPU pinning, perf counters, event reading) so that
 * every backend is measured the same way.
 *
 * Lifecycle of one instance, driven by runner.c:
 *   prepare  -> fill a launch_cmd (argv, environment, fds, netns), create
 *               files under inst->dir and network attachments
 *   launch   -> harness: clock, fork, pin, counters, exec (instance.c)
 *   events   -> harness: READY / REPORT / PHASE / EXIT from the events fd
 *   sample   -> harness probes (memory, tasks, cgroup, perf)
 *   stop     -> harness: SIGTERM to the launched process (every backend
 *               program turns it into an orderly end), SIGKILL after a grace
 *   cleanup  -> ops->cleanup: idempotent, safe on a half-prepared instance */
#ifndef ISO_BACKEND_H
#define ISO_BACKEND_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "argv.h"
#include "err.h"

struct instance;
struct bench_ctx;

/* Which probes apply: guest-RAM split for VMs, cgroup charge for
 * containers. */
enum backend_kind {
	BACKEND_NATIVE,
	BACKEND_CONTAINER,
	BACKEND_VM,
};

/* How the launched process reports bench port events. */
enum events_kind {
	EVENTS_NONE,   /* no event channel (version probes) */
	EVENTS_LINES,  /* event lines (port_wire.h), stamped by the backend */
	EVENTS_FRAMES, /* raw wire frames, stamped by the harness on receipt */
};

/* What the harness spawns for one instance; filled by ops->prepare. */
struct launch_cmd {
	struct argv argv; /* program and arguments; argv.v[0] is a path */
	struct argv env;  /* extra "NAME=value" entries added to the environment */
	enum events_kind events;
	int child_fd;	      /* descriptor number of the events pipe in the child */
	char netns[PATH_MAX]; /* enter this network namespace before exec; "" stays */
};

#define BACKEND_NEEDS_MAX 3

/* Each backend fills what it can; unsupported hooks are NULL. */
struct backend {
	const char *name;
	enum backend_kind kind;
	const char *summary; /* one line for `bench list` */
	int peer;	     /* a reference system, not one of the project's own */
	int uses_net;	     /* can attach to the network lab */
	/* The program the harness execs (launch_cmd argv[0]): a file of the
	 * build tree (BENCH_*, relative to the repository) or an absolute
	 * path (a peer installed from Debian). */
	const char *program;
	/* Other files of the build tree it needs (NULL-terminated). */
	const char *needs[BACKEND_NEEDS_MAX + 1];
	/* Checks beyond `program` and `needs` (backend_available); NULL:
	 * none. 0 when this host can run the backend; otherwise a negative
	 * errno and a one-line reason in `reason`. */
	int (*available)(const struct bench_ctx *ctx, char *reason, size_t cap);
	/* Version string for environment.versions ("" when unknown); NULL:
	 * none. backend_program_version suits programs with --version. */
	void (*version)(const struct backend *be, const struct bench_ctx *ctx, char *buf,
			size_t cap);
	int (*prepare)(struct instance *inst, struct launch_cmd *cmd, struct iso_err *err);
	/* Undo prepare. NULL when prepare creates nothing outside inst->dir. */
	void (*cleanup)(struct instance *inst);
};

extern const struct backend *const backend_table[];
extern const size_t backend_table_count;

/* The backend named `name`, or NULL. */
const struct backend *backend_find(const char *name);

/* 0 when this host can run `be`: its program is there and executable,
 * the files it needs are built, and its own `available` check passes;
 * otherwise a negative errno and a one-line reason (what is missing or
 * refusing). */
int backend_available(const struct backend *be, const struct bench_ctx *ctx, char *reason,
		      size_t cap);

/* The path of be->program into buf. */
int backend_program(const struct backend *be, const struct bench_ctx *ctx, char *buf, size_t cap,
		    struct iso_err *err);

/* The first line of `program --version`. */
void backend_program_version(const struct backend *be, const struct bench_ctx *ctx, char *buf,
			     size_t cap);

/* Release a launch command's strings. */
void launch_cmd_reset(struct launch_cmd *cmd);

#endif
