/* The measurement protocol of `bench run`: warm-up rounds, then N
 * repetitions per workload, backends interleaved within each repetition
 * (the order rotates so that no backend always runs first), every sample
 * kept in the result set, the set rewritten after every repetition, then
 * the density sweep. The warm-up rounds (discarded) run once, before the
 * first workload: what they warm (page cache of the backends, the kernel
 * and the image, the host's namespace and cgroup caches) is shared by
 * every workload, and emulated VM boots are too slow to repeat them.
 *
 * The loop runs instances through an executor, like hyperfine's Executor:
 * runner.c is the real one (launch, probes), tests plug in a deterministic
 * mock. */
#ifndef ISO_RUNLOOP_H
#define ISO_RUNLOOP_H

#include <signal.h>
#include <stddef.h>

#include "backend.h"
#include "err.h"
#include "results.h"
#include "suite.h"

#define SAMPLES_MAX	     64
#define SAMPLE_METRIC_MAX    64
#define RUNLOOP_BACKENDS_MAX 16
#define RUNLOOP_DENSITY_MAX  64

/* One instance to run: `instances` counts it plus the ones held running. */
struct job {
	const struct backend *be;
	const struct suite_workload *wl;
	unsigned int instances;
	int warmup;
};

struct sample {
	char metric[SAMPLE_METRIC_MAX];
	double value;
};

/* Measurements of one instance. */
struct sample_list {
	struct sample s[SAMPLES_MAX];
	size_t n;
};

/* Append one measurement; silently ignores overflow past SAMPLES_MAX (a
 * bounded list: a workload cannot flood the result set). */
void sample_add(struct sample_list *l, const char *metric, double value);

/* Add the numeric REPORT `key`=`value` of workload `wl`: scaled into every
 * metric the suite maps `key` to (summed with what other keys of the same
 * instance put there, e.g. tasks.inside = threads + kernel_threads), or
 * as "workload.<key>" when unmapped. */
void sample_add_report(struct sample_list *l, const struct suite_workload *wl, const char *key,
		       double value);

struct executor;
struct executor_ops {
	/* Run one instance of `job` to its end; append its measurements. */
	int (*measure)(struct executor *ex, const struct job *job, struct sample_list *out,
		       struct iso_err *err);
	/* Start one instance of `job` and leave it running after READY
	 * (density background); *handle is passed to release. */
	int (*hold)(struct executor *ex, const struct job *job, void **handle, struct iso_err *err);
	void (*release)(struct executor *ex, void *handle);
	/* Memory the host can still give to held instances, MiB. */
	unsigned long (*available_mib)(struct executor *ex);
};

struct executor {
	const struct executor_ops *ops;
	void *self;
};

/* Progress of a long run, for a terminal line. */
struct runloop_progress {
	size_t done, total;
	const char *backend, *workload, *phase;
	unsigned int instances;
};

struct runloop_config {
	const struct backend *const *backends;
	size_t nbackends;
	const struct suite_workload *const *workloads;
	size_t nworkloads;
	unsigned int reps, warmup;
	unsigned int density_max;  /* 0 or 1: no density sweep */
	unsigned int density_reps; /* measured instances per density level */
	unsigned long density_mib; /* memory one held instance needs, MiB */
	const char *results_path;  /* rewritten after each repetition; NULL: never */
	/* A backend that fails this many instances of one workload in a row
	 * is dropped for that workload (with the reason in `skipped`). */
	unsigned int max_failures;
	void (*progress)(const struct runloop_progress *p, void *ctx);
	/* A failed instance (the loop goes on); NULL: not reported. */
	void (*failed)(const struct job *job, const struct iso_err *why, void *ctx);
	void *progress_ctx;		     /* passed to progress and failed */
	const volatile sig_atomic_t *cancel; /* stop between instances */
};

/* Run the protocol and fill `rs` (figures; failures are appended to the
 * skipped array, which must already be set or NULL). Samples `rs` already
 * holds count (a resumed run): per (backend, workload) only the missing
 * repetitions run, the warm-up before the first workload with any, and a
 * backend's density sweep only when the set has none of it. Returns 0, -EINTR
 * when cancelled (partial results saved), or a negative errno for an error
 * of the loop itself (saving the result set). Failed instances are not
 * errors: they are reported through `skipped`. */
int runloop_run(const struct runloop_config *cfg, struct executor *ex, struct results *rs,
		struct iso_err *err);

/* Derive memory.overhead_mib for every (backend, workload) that has
 * memory.pss_mib: each sample minus the median of native's for the same
 * workload and instance count. */
int runloop_overhead(struct results *rs, struct iso_err *err);

#endif
