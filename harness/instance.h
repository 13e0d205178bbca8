/* One running instance of a workload under a backend, as the harness sees
 * it: launched by the harness (clock, pinning, counters), its bench port
 * events collected, stopped and reaped. Backends never fork themselves. */
#ifndef ISO_INSTANCE_H
#define ISO_INSTANCE_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

#include "backend.h"
#include "err.h"
#include "port_reader.h"
#include "port_wire.h"
#include "probe_perf.h"

#define INSTANCE_PHASES_MAX  16
#define INSTANCE_REPORTS_MAX 32
#define INSTANCE_LINE_MAX    256

struct instance_phase {
	char name[BENCH_WIRE_KEY_MAX + 1];
	uint64_t t_ns;
};

struct instance_report {
	char key[BENCH_WIRE_KEY_MAX + 1];
	char value[BENCH_WIRE_VALUE_MAX + 1];
};

/* What the instance said over the bench port, host monotonic times. */
struct instance_events {
	uint64_t ready_ns; /* 0 until READY */
	uint64_t exit_ns;  /* 0 until EXIT */
	int exit_status;   /* EXIT's status, -1 until EXIT */
	size_t nphases;
	struct instance_phase phases[INSTANCE_PHASES_MAX];
	size_t nreports;
	struct instance_report reports[INSTANCE_REPORTS_MAX];
	unsigned long rejected;		    /* malformed frames or lines */
	char first_reject[ISO_ERR_MSG_MAX]; /* why the first one was rejected */
};

struct instance {
	const struct backend *be;
	const struct bench_ctx *ctx;
	unsigned int id;	/* unique within the run: names, addresses */
	char *const *workload;	/* workload argv, name first, NULL-terminated */
	char dir[PATH_MAX];	/* <state_dir>/i<id>, removed by destroy */
	int net;		/* attach to ctx->net (a network workload) */
	char ip[32];		/* network lab address A/24 ("" without network) */
	char gw[32];		/* default route (NAT workloads: the lab's router), or "" */
	char netns[PATH_MAX];	/* harness-made instance netns ("" none) */
	uint64_t guest_ram_mib; /* VM backends: size of guest RAM */
	pid_t pid;		/* launched process, 0 before launch */
	int pidfd;		/* -1 when not launched */
	int events_fd;		/* read end of the events pipe, -1 when closed */
	int proc_status;	/* wait status of the launched process, -1 running */
	enum events_kind events;
	uint64_t t_launch_ns; /* taken right before the process is created */
	struct instance_events ev;
	struct probe_perf perf;
	struct port_reader reader;    /* EVENTS_FRAMES */
	char line[INSTANCE_LINE_MAX]; /* EVENTS_LINES: partial line */
	size_t line_len;
	void *priv; /* the backend's own state, freed by its cleanup */
	int prepared;
};

/* Set up `inst` and create its directory. `workload` must outlive it. */
int instance_init(struct instance *inst, const struct backend *be, const struct bench_ctx *ctx,
		  unsigned int id, char *const *workload, struct iso_err *err);

/* Prepare through the backend, then launch: take t_launch_ns, fork, pin the
 * child to ctx->instance_cpu, open perf counters on it, enter cmd->netns,
 * hand it the events pipe as cmd->child_fd and exec cmd->argv. The child's
 * stdout and stderr go to <dir>/console.log. */
int instance_launch(struct instance *inst, struct iso_err *err);

/* instance_wait() target meaning "the process and its event stream ended". */
#define INSTANCE_WAIT_ENDED ((enum bench_msg_type)0)

/* Collect events until `what` (READY, EXIT or INSTANCE_WAIT_ENDED) has
 * arrived (returns 1), the
 * event stream and the process ended without it (returns 0), or
 * `deadline_ns` passed (returns -ETIMEDOUT with a message). */
int instance_wait(struct instance *inst, enum bench_msg_type what, uint64_t deadline_ns,
		  struct iso_err *err);

/* Ask the instance to stop (SIGTERM to the launched process), wait up to
 * `grace_ns` (not cut short by ctx->cancel) for its exit, then SIGKILL its process group. Returns 0
 * when it ended within the grace time, -ETIMEDOUT when it had to be killed. */
int instance_stop(struct instance *inst, uint64_t grace_ns, struct iso_err *err);

/* Kill whatever still runs, reap, close descriptors, undo the backend's
 * prepare, remove the directory. Idempotent; fine on a half-built
 * instance. */
void instance_destroy(struct instance *inst);

/* The REPORT value for `key`, or NULL. */
const char *instance_report(const struct instance *inst, const char *key);

#endif
