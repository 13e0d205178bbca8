/* Runner: launch an instance, wait for its events, sample it, stop it. */
#include "runner.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "clock.h"
#include "fsutil.h"
#include "instance.h"
#include "netlab.h"
#include "probe_proc.h"

#define NS_PER_MS     1e6
#define KIB_PER_MIB   1024.0
#define STOP_GRACE_NS (5ull * 1000000000ull)
/* An emulated VM powers off in seconds after its workload's EXIT. */
#define END_AFTER_EXIT_NS (60ull * 1000000000ull)
/* Peak memory: a few samples after READY, this far apart. */
#define PEAK_SAMPLES	 5
#define PEAK_INTERVAL_NS (20ull * 1000000ull)

struct run_instance {
	struct instance inst;
	struct argv wargv;
	uint64_t memavail_before_kib;
};

static void console_tail(const struct instance *inst, char *buf, size_t cap)
{
	char path[PATH_MAX + 16], text[4096];
	char *end, *start;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/console.log", inst->dir);
	if (fsutil_read(path, text, sizeof(text), NULL) <= 0)
		return;
	end = text + strlen(text);
	while (end > text && (end[-1] == '\n' || end[-1] == '\r'))
		*--end = '\0';
	start = strrchr(text, '\n');
	snprintf(buf, cap, "; last output: %.200s", start ? start + 1 : text);
}

/* One line on why an instance did not do what it should. */
static int instance_failed(const struct instance *inst, const char *what, struct iso_err *err)
{
	char tail[256];
	char status[48] = "";

	console_tail(inst, tail, sizeof(tail));
	if (inst->proc_status != -1 && WIFEXITED(inst->proc_status))
		snprintf(status, sizeof(status), " (%s exited %d)", inst->be->name,
			 WEXITSTATUS(inst->proc_status));
	else if (inst->proc_status != -1 && WIFSIGNALED(inst->proc_status))
		snprintf(status, sizeof(status), " (%s killed by signal %d)", inst->be->name,
			 WTERMSIG(inst->proc_status));
	return iso_err_input(err, -EIO, "%s%s%s%s%s", what, status,
			     inst->ev.rejected ? "; rejected event: " : "",
			     inst->ev.rejected ? inst->ev.first_reject : "", tail);
}

/* instance_wait(), with the instance's last output in a timeout's message
 * (a guest that hung says where). */
static int wait_for(struct instance *inst, enum bench_msg_type what, uint64_t deadline_ns,
		    struct iso_err *err)
{
	char why[ISO_ERR_MSG_MAX];
	int r = instance_wait(inst, what, deadline_ns, err);

	if (r != -ETIMEDOUT || !err)
		return r;
	snprintf(why, sizeof(why), "%s", err->msg);
	return instance_failed(inst, why, err);
}

static double ms_since(uint64_t t0, uint64_t t)
{
	return (double)(t - t0) / NS_PER_MS;
}

static void run_instance_free(struct run_instance *ri)
{
	if (!ri)
		return;
	/* A failed or interrupted instance may still run: ask it to stop so
	 * that its backend removes what it made (cgroup, veth, TAP). */
	instance_stop(&ri->inst, STOP_GRACE_NS, NULL);
	instance_destroy(&ri->inst);
	argv_reset(&ri->wargv);
	free(ri);
}

/* Launch an instance of `job` and wait for READY. */
static int run_start(struct runner *rn, const struct job *job, struct run_instance **out,
		     struct iso_err *err)
{
	struct run_instance *ri = calloc(1, sizeof(*ri));
	struct netlab *lab = rn->ctx->net;
	const char *sink_ip = !lab	     ? ""
			      : job->wl->nat ? netlab_nat_sink_ip(lab)
					     : netlab_sink_ip(lab);
	const char *sink_port = lab ? netlab_sink_port(lab) : "";
	int r;

	if (!ri)
		return iso_err_set(err, -ENOMEM, "instance");
	r = suite_argv(job->wl, sink_ip, sink_port, &ri->wargv, err);
	if (r == 0)
		r = instance_init(&ri->inst, job->be, rn->ctx, rn->next_id++, ri->wargv.v, err);
	ri->inst.net = job->wl->needs_net && lab;
	if (r == 0 && ri->inst.net)
		r = netlab_instance_ip(lab, ri->inst.id, ri->inst.ip, sizeof(ri->inst.ip), err);
	if (r == 0 && ri->inst.net && job->wl->nat) {
		if (!netlab_gateway(lab)[0])
			r = iso_err_input(err, -ENOTSUP, "%s: the network lab has no NAT router",
					  job->wl->name);
		snprintf(ri->inst.gw, sizeof(ri->inst.gw), "%s", netlab_gateway(lab));
	}
	if (r == 0 && ri->inst.net)
		r = netlab_sink_ensure(lab, err);
	if (r == 0)
		r = probe_proc_memavailable_kib(&ri->memavail_before_kib, err);
	if (r == 0)
		r = instance_launch(&ri->inst, err);
	if (r == 0) {
		uint64_t deadline = ri->inst.t_launch_ns + rn->ctx->timeout_s * 1000000000ull;

		r = wait_for(&ri->inst, BENCH_MSG_READY, deadline, err);
		if (r == 0)
			r = instance_failed(&ri->inst, "ended without READY", err);
	}
	if (r < 0) {
		run_instance_free(ri);
		return r;
	}
	*out = ri;
	return 0;
}

/* The cgroup charge of a container: the memory cgroup of the first task
 * of the tree that is not in the launcher's own cgroup. */
static void sample_cgroup(const pid_t *pids, int n, struct sample_list *l)
{
	char base[PATH_MAX], path[PATH_MAX];
	uint64_t bytes;
	int v2, v2b;

	if (probe_proc_memcg(pids[0], base, sizeof(base), &v2b, NULL) < 0)
		return;
	for (int i = 1; i < n; i++) {
		if (probe_proc_memcg(pids[i], path, sizeof(path), &v2, NULL) < 0 ||
		    (v2 == v2b && !strcmp(path, base)))
			continue;
		if (probe_proc_memcg_bytes(path, v2, &bytes, NULL) == 0)
			sample_add(l, "memory.cgroup_mib", (double)bytes / (KIB_PER_MIB * 1024.0));
		return;
	}
}

/* Memory and host tasks of a live instance (after READY). */
static int sample_live(struct run_instance *ri, struct sample_list *l, struct iso_err *err)
{
	struct instance *inst = &ri->inst;
	pid_t pids[PROBE_PROC_TREE_MAX];
	uint64_t pss = 0, peak = 0, avail;
	unsigned int threads;
	int n = 0;

	for (int s = 0; s < PEAK_SAMPLES; s++) {
		uint64_t kib;

		n = probe_proc_tree(inst->pid, pids, PROBE_PROC_TREE_MAX, err);
		if (n < 0)
			return n;
		probe_proc_pss_kib(pids, (size_t)n, &kib, err);
		if (s == 0) {
			pss = kib;
			if (probe_proc_memavailable_kib(&avail, err) < 0)
				return err->code;
			sample_add(l, "memory.system_delta_mib",
				   ((double)ri->memavail_before_kib - (double)avail) / KIB_PER_MIB);
		}
		if (kib > peak)
			peak = kib;
		if (s + 1 < PEAK_SAMPLES) {
			uint64_t until = clock_mono_ns() + PEAK_INTERVAL_NS;

			instance_wait(inst, BENCH_MSG_EXIT, until, NULL);
		}
	}
	sample_add(l, "memory.pss_mib", (double)pss / KIB_PER_MIB);
	sample_add(l, "memory.peak_pss_mib", (double)peak / KIB_PER_MIB);
	probe_proc_threads(pids, (size_t)n, &threads, err);
	sample_add(l, "tasks.host", threads);
	sample_add(l, "tasks.host_processes", n);
	if (inst->be->kind == BACKEND_VM && inst->guest_ram_mib) {
		uint64_t guest = 0;

		for (int i = 0; i < n; i++) {
			uint64_t kib;

			if (probe_proc_anon_pss_kib(pids[i], inst->guest_ram_mib * 1024 / 2, &kib,
						    NULL) == 0 &&
			    kib > guest)
				guest = kib;
		}
		sample_add(l, "memory.guest_ram_mib", (double)guest / KIB_PER_MIB);
		sample_add(l, "memory.monitor_mib", ((double)pss - (double)guest) / KIB_PER_MIB);
	}
	if (inst->be->kind == BACKEND_CONTAINER)
		sample_cgroup(pids, n, l);
	return 0;
}

/* `cpu_ready_ms`: the instance's task-clock at READY, or negative when
 * unknown. */
static void sample_end(const struct run_instance *ri, const struct job *job, double cpu_ready_ms,
		       struct sample_list *l)
{
	const struct instance *inst = &ri->inst;
	double task_clock_ms = -1, bytes = -1;
	char name[SAMPLE_METRIC_MAX];

	for (size_t i = 0; i < inst->ev.nphases; i++) {
		snprintf(name, sizeof(name), "startup.phase.%s_ms", inst->ev.phases[i].name);
		sample_add(l, name, ms_since(inst->t_launch_ns, inst->ev.phases[i].t_ns));
	}
	for (size_t i = 0; i < inst->ev.nreports; i++) {
		const struct instance_report *rep = &inst->ev.reports[i];
		char *end;
		double v = strtod(rep->value, &end);

		if (end == rep->value || *end)
			continue; /* not a number: nothing to summarize */
		if (!strcmp(rep->key, "bytes_total"))
			bytes = v;
		sample_add_report(l, job->wl, rep->key, v);
	}
	for (int e = 0; e < PROBE_PERF_COUNT; e++) {
		double v;

		if (probe_perf_read(&inst->perf, (enum probe_perf_event)e, &v) < 0)
			continue;
		sample_add(l, probe_perf_events[e].metric, v);
		if (e == PROBE_PERF_TASK_CLOCK)
			task_clock_ms = v;
	}
	/* CPU seconds per GB (10^9 bytes) moved from READY on: the start-up
	 * (a VM's boot) is not the path's cost. */
	if (task_clock_ms >= 0 && cpu_ready_ms >= 0 && bytes > 0)
		sample_add(l, "net.cpu_s_per_gb",
			   (task_clock_ms - cpu_ready_ms) / 1e3 / (bytes / 1e9));
}

static int runner_measure(struct executor *ex, const struct job *job, struct sample_list *out,
			  struct iso_err *err)
{
	struct runner *rn = ex->self;
	struct run_instance *ri;
	struct instance *inst;
	uint64_t deadline;
	double cpu_ready_ms = -1;
	int stopped = 0;
	int r = run_start(rn, job, &ri, err);

	if (r < 0)
		return r;
	inst = &ri->inst;
	/* A read includes the tasks still running (perf sums the inherited
	 * counters), so this is the CPU of start-up: a VM's boot, say. */
	if (job->wl->needs_net &&
	    probe_perf_read(&inst->perf, PROBE_PERF_TASK_CLOCK, &cpu_ready_ms) < 0)
		cpu_ready_ms = -1;
	deadline = inst->t_launch_ns + rn->ctx->timeout_s * 1000000000ull;
	sample_add(out, "startup.ready_ms", ms_since(inst->t_launch_ns, inst->ev.ready_ns));
	if (job->wl->holds) {
		r = sample_live(ri, out, err);
		/* Still holding when sampled: it ran as it should. Once stopped
		 * by us, how it ends (EXIT 0 or 143, or a monitor killed with
		 * its guest, no EXIT) says nothing about the workload. */
		if (r == 0 && inst->proc_status != -1)
			r = instance_failed(inst, "ended before it was stopped", err);
		if (r == 0)
			stopped = 1;
		if (r == 0)
			r = instance_stop(inst, STOP_GRACE_NS, err);
	} else {
		r = wait_for(inst, BENCH_MSG_EXIT, deadline, err);
		if (r == 0)
			r = instance_failed(inst, "ended without EXIT", err);
		else if (r > 0)
			sample_add(out, "startup.exit_ms",
				   ms_since(inst->t_launch_ns, inst->ev.exit_ns));
		/* After EXIT only the shutdown is left: one that takes this
		 * long has hung (seen once: an emulated qemu-microvm guest). */
		if (r > 0 && inst->ev.exit_ns + END_AFTER_EXIT_NS < deadline)
			deadline = inst->ev.exit_ns + END_AFTER_EXIT_NS;
	}
	if (r >= 0)
		r = wait_for(inst, INSTANCE_WAIT_ENDED, deadline, err);
	if (r >= 0 && !stopped && inst->ev.exit_status != 0) {
		char what[64];

		snprintf(what, sizeof(what), "workload exit status %d", inst->ev.exit_status);
		r = instance_failed(inst, what, err);
	}
	if (r >= 0) {
		sample_end(ri, job, cpu_ready_ms, out);
		r = 0;
	}
	run_instance_free(ri);
	return r;
}

static int runner_hold(struct executor *ex, const struct job *job, void **handle,
		       struct iso_err *err)
{
	struct run_instance *ri;
	int r = run_start(ex->self, job, &ri, err);

	if (r == 0)
		*handle = ri;
	return r;
}

static void runner_release(struct executor *ex, void *handle)
{
	struct run_instance *ri = handle;

	(void)ex;
	run_instance_free(ri);
}

static unsigned long runner_available_mib(struct executor *ex)
{
	uint64_t kib = 0;

	(void)ex;
	probe_proc_memavailable_kib(&kib, NULL);
	return (unsigned long)(kib / 1024);
}

static const struct executor_ops runner_ops = {
	.measure = runner_measure,
	.hold = runner_hold,
	.release = runner_release,
	.available_mib = runner_available_mib,
};

void runner_init(struct runner *rn, const struct bench_ctx *ctx)
{
	rn->ex.ops = &runner_ops;
	rn->ex.self = rn;
	rn->ctx = ctx;
	rn->next_id = 0;
}
