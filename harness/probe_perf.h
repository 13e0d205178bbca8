/* CPU cost of an instance through perf events, encoded by libpfm4 and
 * opened by the harness on the launched process before it execs, with
 * `inherit` so that every task the instance creates is counted. Counters
 * the host cannot provide (hardware counters in most VMs) are recorded as
 * unavailable, never an error. */
#ifndef ISO_PROBE_PERF_H
#define ISO_PROBE_PERF_H

#include <stdint.h>
#include <sys/types.h>

#include "err.h"

enum probe_perf_event {
	PROBE_PERF_TASK_CLOCK,
	PROBE_PERF_CONTEXT_SWITCHES,
	PROBE_PERF_PAGE_FAULTS,
	PROBE_PERF_CYCLES,
	PROBE_PERF_INSTRUCTIONS,
	PROBE_PERF_COUNT,
};

struct probe_perf_desc {
	const char *pfm_name; /* libpfm4 event name */
	const char *metric;   /* results metric (SCHEMA.md) */
	double scale;	      /* raw count -> metric unit */
};

extern const struct probe_perf_desc probe_perf_events[PROBE_PERF_COUNT];

struct probe_perf {
	int fd[PROBE_PERF_COUNT]; /* -1: not open (unavailable or closed) */
};

/* Initialise libpfm4 once per process. Returns 0 or -ENOSYS with a message. */
int probe_perf_init(struct iso_err *err);

/* Open every counter on `pid` (stopped before exec) with inherit and
 * enable-on-exec. Counters that cannot be opened stay -1; returns how many
 * were opened (>= 0). */
int probe_perf_open(struct probe_perf *p, pid_t pid);

/* Read counter `ev` into *value (already scaled): the count of every task
 * of the instance so far, those still running included (a read sums the
 * inherited counters). 0, or -ENODATA when the counter is not open, or a
 * negative errno from read(). */
int probe_perf_read(const struct probe_perf *p, enum probe_perf_event ev, double *value);

void probe_perf_close(struct probe_perf *p);

/* Which counters this host provides, probed on the calling process:
 * bit i set when probe_perf_events[i] opens. */
unsigned int probe_perf_available(void);

#endif
