/* The run loop: warm-up, interleaved repetitions, density, overhead. */
#include "runloop.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "metrics.h"
#include "stats.h"

void sample_add(struct sample_list *l, const char *metric, double value)
{
	if (l->n >= SAMPLES_MAX)
		return;
	snprintf(l->s[l->n].metric, sizeof(l->s[0].metric), "%s", metric);
	l->s[l->n++].value = value;
}

void sample_add_report(struct sample_list *l, const struct suite_workload *wl, const char *key,
		       double value)
{
	char name[SAMPLE_METRIC_MAX];
	int mapped = 0;

	for (size_t i = 0; i < SUITE_REPORTS_MAX && wl->reports[i].key; i++) {
		const struct suite_report_map *m = &wl->reports[i];
		size_t j = 0;

		if (strcmp(m->key, key))
			continue;
		mapped = 1;
		while (j < l->n && strcmp(l->s[j].metric, m->metric))
			j++;
		if (j < l->n)
			l->s[j].value += value * m->scale;
		else
			sample_add(l, m->metric, value * m->scale);
	}
	if (!mapped) {
		snprintf(name, sizeof(name), "workload.%s", key);
		sample_add(l, name, value);
	}
}

static int record(struct results *rs, const struct job *job, const struct sample_list *l,
		  struct iso_err *err)
{
	for (size_t i = 0; i < l->n; i++) {
		struct metric_info info = metrics_info(l->s[i].metric);
		struct results_figure *fig;
		int r = results_figure(rs, job->be->name, job->wl->name, l->s[i].metric, info.unit,
				       info.better, job->instances, &fig, err);

		if (r < 0)
			return r;
		fig->noisy = info.noisy;
		r = results_add_sample(fig, l->s[i].value, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Append {backend, workload, reason} to the result set's skipped list. */
static int skip_add(struct results *rs, const char *backend, const char *workload,
		    const char *reason, struct iso_err *err)
{
	cJSON *item;

	if (!rs->skipped) {
		cJSON *arr = cJSON_CreateArray();

		if (!arr)
			return iso_err_set(err, -ENOMEM, "skipped list");
		results_set_skipped(rs, arr);
	}
	item = cJSON_CreateObject();
	if (!item || !cJSON_AddStringToObject(item, "backend", backend) ||
	    (workload && !cJSON_AddStringToObject(item, "workload", workload)) ||
	    !cJSON_AddStringToObject(item, "reason", reason)) {
		cJSON_Delete(item);
		return iso_err_set(err, -ENOMEM, "skipped entry");
	}
	cJSON_AddItemToArray(rs->skipped, item);
	return 0;
}

static int save(const struct runloop_config *cfg, struct results *rs, struct iso_err *err)
{
	if (!cfg->results_path)
		return 0;
	return results_save(rs, cfg->results_path, err);
}

static int cancelled(const struct runloop_config *cfg)
{
	return cfg->cancel && *cfg->cancel;
}

static void progress(const struct runloop_config *cfg, struct runloop_progress *p,
		     const struct job *job, const char *phase)
{
	p->backend = job->be->name;
	p->workload = job->wl->name;
	p->instances = job->instances;
	p->phase = phase;
	if (cfg->progress)
		cfg->progress(p, cfg->progress_ctx);
	p->done++;
}

/* Repetitions of `wl` under `be` the set already holds (a resumed run). */
static size_t reps_done(const struct results *rs, const struct backend *be,
			const struct suite_workload *wl)
{
	const struct results_figure *f =
		results_find(rs, be->name, wl->name, "startup.ready_ms", 1);

	return f ? f->n_samples : 0;
}

/* Whether `be` can run `wl` at all (a network workload needs the lab). */
static bool can_run(const struct backend *be, const struct suite_workload *wl)
{
	return !wl->needs_net || be->uses_net;
}

/* Whether some backend that can run `wl` still lacks repetitions of it. */
static bool workload_pending(const struct runloop_config *cfg, const struct results *rs,
			     const struct suite_workload *wl)
{
	for (size_t b = 0; b < cfg->nbackends; b++)
		if (can_run(cfg->backends[b], wl) &&
		    reps_done(rs, cfg->backends[b], wl) < cfg->reps)
			return true;
	return false;
}

/* One workload: warm-up + reps, backends interleaved; a backend's
 * repetitions already in the set are not run again. */
static int run_workload(const struct runloop_config *cfg, struct executor *ex,
			const struct suite_workload *wl, unsigned int warmup, struct results *rs,
			struct runloop_progress *prog, struct iso_err *err)
{
	unsigned int failures[RUNLOOP_BACKENDS_MAX];
	size_t done[RUNLOOP_BACKENDS_MAX];
	int alive[RUNLOOP_BACKENDS_MAX];
	int r;

	if (cfg->nbackends > RUNLOOP_BACKENDS_MAX)
		return iso_err_input(err, -E2BIG, "more than %d backends", RUNLOOP_BACKENDS_MAX);

	for (size_t b = 0; b < cfg->nbackends; b++) {
		failures[b] = 0;
		done[b] = reps_done(rs, cfg->backends[b], wl);
		alive[b] = can_run(cfg->backends[b], wl);
		if (!alive[b]) {
			r = skip_add(rs, cfg->backends[b]->name, wl->name,
				     "cannot attach to the network lab", err);
			if (r < 0)
				return r;
		}
	}
	for (unsigned int rep = 0; rep < warmup + cfg->reps; rep++) {
		bool ran = false;

		for (size_t k = 0; k < cfg->nbackends; k++) {
			size_t b = (k + rep) % cfg->nbackends;
			struct job job = {cfg->backends[b], wl, 1, rep < warmup};
			struct sample_list l = {.n = 0};
			struct iso_err ierr = {0};

			if (!alive[b] || (!job.warmup && rep - warmup < done[b]))
				continue;
			if (cancelled(cfg))
				return -EINTR;
			progress(cfg, prog, &job, job.warmup ? "warm-up" : "measure");
			ran = true;
			r = ex->ops->measure(ex, &job, &l, &ierr);
			if (r == -EINTR && cancelled(cfg))
				return -EINTR;
			if (r < 0) {
				if (cfg->failed)
					cfg->failed(&job, &ierr, cfg->progress_ctx);
				if (++failures[b] < cfg->max_failures)
					continue;
				alive[b] = 0;
				r = skip_add(rs, job.be->name, wl->name, ierr.msg, err);
				if (r < 0)
					return r;
				continue;
			}
			failures[b] = 0;
			if (!job.warmup && (r = record(rs, &job, &l, err)) < 0)
				return r;
		}
		if (ran && (r = save(cfg, rs, err)) < 0)
			return r;
	}
	return 0;
}

/* Density for one backend: hold instances, measure one more at each level. */
static int run_density(const struct runloop_config *cfg, struct executor *ex,
		       const struct backend *be, const struct suite_workload *wl,
		       struct results *rs, struct runloop_progress *prog, struct iso_err *err)
{
	void *held[RUNLOOP_DENSITY_MAX];
	unsigned int nheld = 0;
	char reason[ISO_ERR_MSG_MAX + 64] = "";
	int r = 0;

	if (cfg->density_max > RUNLOOP_DENSITY_MAX)
		return iso_err_input(err, -E2BIG, "density above %d instances",
				     RUNLOOP_DENSITY_MAX);
	for (unsigned int level = 2; level <= cfg->density_max && !reason[0]; level *= 2) {
		while (nheld + 1 < level) {
			struct job job = {be, wl, nheld + 1, 1};
			struct iso_err ierr = {0};

			if (cancelled(cfg)) {
				r = -EINTR;
				goto out;
			}
			/* Keep room for the measured instance and a margin of one. */
			if (ex->ops->available_mib(ex) < 2 * cfg->density_mib) {
				snprintf(reason, sizeof(reason),
					 "density stopped at %u instances: memory bound",
					 nheld + 1);
				break;
			}
			progress(cfg, prog, &job, "density hold");
			if (ex->ops->hold(ex, &job, &held[nheld], &ierr) < 0) {
				snprintf(reason, sizeof(reason), "density at %u instances: %s",
					 nheld + 1, ierr.msg);
				break;
			}
			nheld++;
		}
		if (reason[0])
			break;
		for (unsigned int rep = 0; rep < cfg->density_reps; rep++) {
			struct job job = {be, wl, level, 0};
			struct sample_list l = {.n = 0};
			struct iso_err ierr = {0};

			if (cancelled(cfg)) {
				r = -EINTR;
				goto out;
			}
			progress(cfg, prog, &job, "density");
			if (ex->ops->measure(ex, &job, &l, &ierr) < 0) {
				snprintf(reason, sizeof(reason), "density at %u instances: %s",
					 level, ierr.msg);
				break;
			}
			if ((r = record(rs, &job, &l, err)) < 0)
				goto out;
		}
		if ((r = save(cfg, rs, err)) < 0)
			goto out;
	}
	if (reason[0])
		r = skip_add(rs, be->name, "density", reason, err);
out:
	while (nheld > 0)
		ex->ops->release(ex, held[--nheld]);
	return r;
}

/* Whether the set has any of `be`'s density sweep (a resumed run keeps a
 * sweep as it is rather than holding instances again). */
static int density_done(const struct results *rs, const struct backend *be,
			const struct suite_workload *wl)
{
	return results_find(rs, be->name, wl->name, "startup.ready_ms", 2) != NULL;
}

int runloop_run(const struct runloop_config *cfg, struct executor *ex, struct results *rs,
		struct iso_err *err)
{
	const struct suite_workload *dwl = suite_density_workload();
	struct runloop_progress prog = {0};
	bool warm = false;
	int r = 0;

	prog.total = (cfg->nworkloads * cfg->reps + cfg->warmup) * cfg->nbackends;
	for (unsigned int level = 2; level <= cfg->density_max; level *= 2)
		prog.total += cfg->nbackends * (cfg->density_reps + level / 2);
	for (size_t w = 0; w < cfg->nworkloads; w++)
		for (size_t b = 0; b < cfg->nbackends; b++)
			prog.done += reps_done(rs, cfg->backends[b], cfg->workloads[w]);
	/* The warm-up goes before the first workload with work left. */
	for (size_t w = 0; w < cfg->nworkloads && r == 0; w++) {
		bool pending = workload_pending(cfg, rs, cfg->workloads[w]);

		r = run_workload(cfg, ex, cfg->workloads[w], pending && !warm ? cfg->warmup : 0, rs,
				 &prog, err);
		warm = warm || pending;
	}
	for (size_t b = 0; b < cfg->nbackends && r == 0 && cfg->density_max >= 2; b++)
		/* Only a backend that measured the workload at all. */
		if (reps_done(rs, cfg->backends[b], dwl) &&
		    !density_done(rs, cfg->backends[b], dwl))
			r = run_density(cfg, ex, cfg->backends[b], dwl, rs, &prog, err);
	if (r < 0 && r != -EINTR)
		return r;
	if (runloop_overhead(rs, err) < 0 || save(cfg, rs, err) < 0)
		return err->code;
	if (r == -EINTR)
		return iso_err_input(err, -EINTR, "interrupted; partial results kept");
	return 0;
}

int runloop_overhead(struct results *rs, struct iso_err *err)
{
	size_t n = rs->n_figures;

	for (size_t i = 0; i < n; i++) {
		struct results_figure *f = rs->figures[i], *native, *ov;
		struct metric_info info = metrics_info("memory.overhead_mib");
		double base;
		int r;

		if (strcmp(f->metric, "memory.pss_mib") || !strcmp(f->backend, "native") ||
		    !f->n_samples)
			continue;
		native = results_find(rs, "native", f->workload, "memory.pss_mib", f->instances);
		if (!native || !native->n_samples)
			continue;
		base = stats_median(native->samples, native->n_samples);
		r = results_figure(rs, f->backend, f->workload, "memory.overhead_mib", info.unit,
				   info.better, f->instances, &ov, err);
		if (r < 0)
			return r;
		ov->n_samples = 0; /* derived anew: a resumed run adds samples */
		for (size_t s = 0; s < f->n_samples; s++)
			if ((r = results_add_sample(ov, f->samples[s] - base, err)) < 0)
				return r;
	}
	return 0;
}
