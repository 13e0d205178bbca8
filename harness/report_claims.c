/* Answers to the source texts' claims, computed from the result set. */
#include "report_claims.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Appending text builder over a caller's buffer; truncates silently. */
struct text {
	char *buf;
	size_t size, len;
};

static void say(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->len >= t->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->len = t->len + (size_t)n < t->size ? t->len + (size_t)n : t->size;
}

static const char *const claim_titles[REPORT_CLAIMS] = {
	"1. Every process has its own virtual memory; a VM adds a whole second machine "
	"(guest kernel, guest processes, a software NIC) on top of the host.",
	"2. A VM reaches the network through a software NIC on a virtual switch (VMnet); "
	"VMnet#0 is a NAT router in front of the one physical NIC.",
	"3. Count the programs: host process + host OS + per guest (guest process, guest OS, "
	"software NIC); two guests already mean about 8.",
	"4. A container shares the host kernel, so the guest OS and the software NIC "
	"disappear: fewer processes, less memory, faster start.",
	"5. Containers sometimes break, so they need management (Kubernetes).",
};

const char *report_claim_title(int claim)
{
	return claim_titles[claim];
}

/* The figures the claims speak about. */
enum fig {
	F_READY,
	F_PSS,
	F_GUEST_RAM,
	F_MONITOR,
	F_CGROUP,
	F_HOST,
	F_HOST_PROCS,
	F_INSIDE,
	F_INSIDE_KTHREADS,
	F_STREAM,
	F_RR_P50,
	F_STREAM_NAT,
	F_RR_NAT_P50,
	F_COUNT,
};

static const struct {
	const char *metric;
	const char *const *workloads; /* NULL: any */
	bool only;		      /* these workloads or nothing */
} fig_src[F_COUNT] = {
	[F_READY] = {"startup.ready_ms", report_wl_ready},
	[F_PSS] = {"memory.pss_mib", report_wl_memory},
	[F_GUEST_RAM] = {"memory.guest_ram_mib", report_wl_memory},
	[F_MONITOR] = {"memory.monitor_mib", report_wl_memory},
	[F_CGROUP] = {"memory.cgroup_mib", report_wl_memory},
	[F_HOST] = {"tasks.host", report_wl_tasks_host},
	[F_HOST_PROCS] = {"tasks.host_processes", report_wl_tasks_host},
	[F_INSIDE] = {"tasks.inside", report_wl_tasks_inside},
	[F_INSIDE_KTHREADS] = {"tasks.inside_kernel_threads", report_wl_tasks_inside},
	[F_STREAM] = {"net.stream_tx_gbps", report_wl_net, true},
	[F_RR_P50] = {"net.rr_p50_us", report_wl_net, true},
	[F_STREAM_NAT] = {"net.stream_tx_gbps", report_wl_net_nat, true},
	[F_RR_NAT_P50] = {"net.rr_p50_us", report_wl_net_nat, true},
};

/* One claim being answered: the medians of the project's three backends
 * in the primary set (NAN where not measured) and the text so far. */
struct claim {
	const struct report_ctx *ctx;
	struct text t;
	double native[F_COUNT], ctr[F_COUNT], vm[F_COUNT];
};

static const struct results_figure *fig_of(const struct report_ctx *ctx,
					   const struct report_series *s, enum fig f)
{
	return s ? report_ctx_find(ctx, s, fig_src[f].metric, 1, fig_src[f].workloads,
				   !fig_src[f].only)
		 : NULL;
}

static void figs_load(const struct report_ctx *ctx, const char *backend, double *v)
{
	const struct report_series *s = report_ctx_primary(ctx, backend);

	for (int f = 0; f < F_COUNT; f++)
		v[f] = report_median(fig_of(ctx, s, f));
}

static bool is_lead(const char *backend)
{
	return !strcmp(backend, "native") || !strcmp(backend, "ctr") || !strcmp(backend, "vm");
}

/* Three significant digits without an exponent: "0.376", "12.3", "2140". */
static void say_number(struct text *t, double v)
{
	if (fabs(v) >= 1000)
		say(t, "%.0f", v);
	else
		say(t, "%.3g", v);
}

/* "12.3 ms" or "not measured". */
static void say_value(struct text *t, double v, const char *unit)
{
	if (isfinite(v)) {
		say_number(t, v);
		say(t, " %s", unit);
	} else {
		say(t, "not measured");
	}
}

/* `label`, then the value as say_value() puts it. */
static void say_at(struct text *t, const char *label, double v, const char *unit)
{
	say(t, "%s", label);
	say_value(t, v, unit);
}

/* `label`, then "3 host tasks", "1 host task" or "not measured". */
static void say_count(struct text *t, const char *label, double v, const char *one,
		      const char *many)
{
	say(t, "%s", label);
	if (isfinite(v)) {
		say_number(t, v);
		say(t, " %s", v == 1 ? one : many);
	} else {
		say(t, "not measured");
	}
}

/* " (+1.2 MiB over native)" when both are measured. */
static void say_over(struct text *t, double v, double native, const char *unit)
{
	if (isfinite(v) && isfinite(native))
		say(t, " (%+.3g %s over native)", v - native, unit);
}

/* " (86% of native)" when both are measured. */
static void say_share(struct text *t, double v, double limit)
{
	if (isfinite(v) && isfinite(limit) && limit > 0)
		say(t, " (%.0f%% of native)", 100.0 * v / limit);
}

/* " Peers: runc 66 MiB, qemu-microvm 120 MiB (35% of native)." over the
 * other backends of the primary set that measured `f`, in `one` or
 * `many` units; with `limit` > 0 each value also as a share of it. */
static void say_peers(struct claim *c, enum fig f, const char *one, const char *many, double limit)
{
	const struct report_ctx *ctx = c->ctx;
	char label[REPORT_LABEL_MAX + 16];
	int n = 0;

	for (size_t i = 0; i < ctx->n_series; i++) {
		const struct report_series *s = &ctx->series[i];
		double v;

		if (s->set != 0 || is_lead(s->backend))
			continue;
		v = report_median(fig_of(ctx, s, f));
		if (!isfinite(v))
			continue;
		snprintf(label, sizeof(label), "%s %s ", n++ ? "," : " Peers:", s->backend);
		say_count(&c->t, label, v, one, many);
		say_share(&c->t, v, limit);
	}
	if (n)
		say(&c->t, ".");
}

static void claim_memory(struct claim *c)
{
	const double *native = c->native, *vm = c->vm, *ctr = c->ctr;
	struct text *t = &c->t;
	const struct results_figure *any = NULL;

	for (size_t i = 0; i < c->ctx->n_series && !any; i++)
		if (c->ctx->series[i].set == 0)
			any = fig_of(c->ctx, &c->ctx->series[i], F_PSS);
	if (!any) {
		say(t, "Not measured: this result set has no memory.pss_mib figure.");
		return;
	}
	say(t,
	    "Host memory of one instance running the %s workload (PSS summed over every host "
	    "task of the instance, median): natively ",
	    any->workload);
	say_value(t, native[F_PSS], "MiB");
	say_at(t, "; in the VM ", vm[F_PSS], "MiB");
	say_over(t, vm[F_PSS], native[F_PSS], "MiB");
	if (isfinite(vm[F_PSS])) {
		say_at(t, ", of which guest RAM resident ", vm[F_GUEST_RAM], "MiB");
		say_at(t, " and the monitor's own ", vm[F_MONITOR], "MiB");
	}
	say_at(t, "; in the container ", ctr[F_PSS], "MiB");
	say_over(t, ctr[F_PSS], native[F_PSS], "MiB");
	if (isfinite(ctr[F_PSS])) {
		say_at(t, ", its cgroup charging ", ctr[F_CGROUP], "MiB");
	}
	say(t, ".");
	if (isfinite(vm[F_PSS]) && isfinite(ctr[F_PSS]) && ctr[F_PSS] > 0)
		say(t, " The VM instance costs %.3g times the container's memory.",
		    vm[F_PSS] / ctr[F_PSS]);
	if (isfinite(vm[F_GUEST_RAM]) && isfinite(vm[F_PSS]) && vm[F_PSS] > 0)
		say(t, " Guest RAM is %.0f%% of the VM's footprint.",
		    100.0 * vm[F_GUEST_RAM] / vm[F_PSS]);
	say_peers(c, F_PSS, "MiB", "MiB", 0);
}

/* Whether native, the VM or the container has figure `f`. */
static bool lead_measured(const struct claim *c, enum fig f)
{
	return isfinite(c->native[f]) || isfinite(c->vm[f]) || isfinite(c->ctr[f]);
}

/* `label`, then "native 449 µs, VM 3012 µs, container 352 µs" of `f`. */
static void say_lead_latency(struct claim *c, const char *label, enum fig f)
{
	say(&c->t, "%s", label);
	say_at(&c->t, "native ", c->native[f], "µs");
	say_at(&c->t, ", VM ", c->vm[f], "µs");
	say_at(&c->t, ", container ", c->ctr[f], "µs");
}

/* The same path through the masquerading router in front of the sink
 * (like VMnet#0), each backend against native through it. */
static void claim_network_nat(struct claim *c)
{
	double lim = c->native[F_STREAM_NAT];
	struct text *t = &c->t;

	if (!lead_measured(c, F_STREAM_NAT)) {
		say(t, " The NAT variant (VMnet#0) was not measured.");
		return;
	}
	say_at(t, " Behind the NAT router (like VMnet#0): native ", lim, "Gbit/s");
	say_at(t, "; VM ", c->vm[F_STREAM_NAT], "Gbit/s");
	say_share(t, c->vm[F_STREAM_NAT], lim);
	say_at(t, "; container ", c->ctr[F_STREAM_NAT], "Gbit/s");
	say_share(t, c->ctr[F_STREAM_NAT], lim);
	if (lead_measured(c, F_RR_NAT_P50))
		say_lead_latency(c, "; request/response p50: ", F_RR_NAT_P50);
	say(t, ".");
}

static void claim_network(struct claim *c)
{
	double lim = c->native[F_STREAM], vm = c->vm[F_STREAM], ctr = c->ctr[F_STREAM];
	struct text *t = &c->t;

	if (!lead_measured(c, F_STREAM)) {
		say(t, "Not measured: this result set has no net.stream_tx_gbps figure.");
		return;
	}
	say(t, "TCP bulk throughput from the workload to the sink across the project's bridge "
	       "(the virtual switch, like VMnet): native veth pair ");
	say_value(t, lim, "Gbit/s");
	say_at(t,
	       " (the path without isolation: its limit); VM, its software NIC (virtio-net) on a "
	       "TAP: ",
	       vm, "Gbit/s");
	say_share(t, vm, lim);
	say_at(t, "; container veth: ", ctr, "Gbit/s");
	say_share(t, ctr, lim);
	say(t, ".");
	say_peers(c, F_STREAM, "Gbit/s", "Gbit/s", lim);
	if (lead_measured(c, F_RR_P50)) {
		say_lead_latency(c, " Request/response latency p50: ", F_RR_P50);
		say(t, ".");
	} else {
		say(t, " Request/response latency was not measured.");
	}
	claim_network_nat(c);
	if (report_ctx_emulated(c->ctx))
		say(t, " The VM ran under emulated KVM here (every guest instruction emulated), so "
		       "its share says little about hardware virtualization.");
}

/* Tasks inside a guest, kernel threads included: tasks.inside counts
 * them (SCHEMA.md); a set where it did not (kernel threads above the
 * total) gets the sum. */
static double inside_total(const double *v)
{
	if (isfinite(v[F_INSIDE_KTHREADS]) && isfinite(v[F_INSIDE]) &&
	    v[F_INSIDE_KTHREADS] > v[F_INSIDE])
		return v[F_INSIDE] + v[F_INSIDE_KTHREADS];
	return v[F_INSIDE];
}

static void claim_tasks(struct claim *c)
{
	const double *vm = c->vm, *ctr = c->ctr;
	double vm_in = inside_total(vm);
	struct text *t = &c->t;

	if (!lead_measured(c, F_HOST)) {
		say(t, "Not measured: this result set has no tasks.host figure.");
		return;
	}
	if (isfinite(vm[F_HOST])) {
		say_count(t, "A VM adds ", vm[F_HOST], "host task", "host tasks");
		if (isfinite(vm[F_HOST_PROCS])) {
			say_count(t, " (", vm[F_HOST_PROCS], "process", "processes");
			say(t, ", the rest threads such as vCPUs)");
		}
		say_count(t, " and runs ", vm_in, "task inside", "tasks inside");
		if (isfinite(vm[F_INSIDE_KTHREADS]))
			say(t, ", %.3g of them guest kernel threads", vm[F_INSIDE_KTHREADS]);
	} else {
		say(t, "The VM's tasks were not measured");
	}
	say_count(t, "; a container adds ", ctr[F_HOST], "host task", "host tasks");
	if (isfinite(ctr[F_INSIDE])) {
		say_count(t, " and shows ", ctr[F_INSIDE], "task inside", "tasks inside");
	}
	say_count(t, "; natively the workload is ", c->native[F_HOST], "host task", "host tasks");
	say(t, ".");
	if (isfinite(vm[F_HOST]) && isfinite(vm_in)) {
		say(t,
		    " Two VM guests therefore mean %.3g host tasks plus %.3g guest tasks "
		    "(the texts count about 8 programs)",
		    2 * vm[F_HOST], 2 * vm_in);
		if (isfinite(ctr[F_HOST]))
			say(t, "; two containers %.3g host tasks and no guest kernel",
			    2 * ctr[F_HOST]);
		say(t, ".");
	}
	say_peers(c, F_HOST, "host task", "host tasks", 0);
}

static void claim_container(struct claim *c)
{
	const double *vm = c->vm, *ctr = c->ctr;
	struct text *t = &c->t;

	if (!isfinite(vm[F_READY]) && !isfinite(ctr[F_READY])) {
		say(t, "Not measured: this result set has no startup.ready_ms figure for the VM or "
		       "the container.");
		return;
	}
	say_at(t, "Launch to READY: container ", ctr[F_READY], "ms");
	say_at(t, ", VM ", vm[F_READY], "ms");
	say_at(t, ", native ", c->native[F_READY], "ms");
	if (isfinite(vm[F_READY]) && isfinite(ctr[F_READY]) && ctr[F_READY] > 0)
		say(t, " — the container starts %.3g times %s than the VM",
		    vm[F_READY] >= ctr[F_READY] ? vm[F_READY] / ctr[F_READY]
						: ctr[F_READY] / vm[F_READY],
		    vm[F_READY] >= ctr[F_READY] ? "faster" : "slower");
	say(t, ".");
	say_peers(c, F_READY, "ms", "ms", 0);
	say_at(t, " Host memory: container ", ctr[F_PSS], "MiB");
	say_at(t, ", VM ", vm[F_PSS], "MiB");
	if (isfinite(vm[F_PSS]) && isfinite(ctr[F_PSS]))
		say(t, " (the container uses %s)", ctr[F_PSS] <= vm[F_PSS] ? "less" : "more");
	say_count(t, ". Tasks: the container adds ", ctr[F_HOST], "task", "tasks");
	say_count(t, " on the host and shows ", ctr[F_INSIDE], "task", "tasks");
	say_count(t, " inside; the VM adds ", vm[F_HOST], "task", "tasks");
	say_count(t, " on the host and runs ", inside_total(vm), "task", "tasks");
	say(t, " inside.");
	if (report_ctx_emulated(c->ctx))
		say(t, " The VM ran under emulated KVM here: its times are inflated, so the ratio "
		       "overstates what hardware virtualization would show.");
}

static void claim_management(struct claim *c)
{
	const cJSON *skipped = c->ctx->in[0].rs->skipped, *s;
	int n = cJSON_GetArraySize(skipped);

	say(&c->t, "Not measured: isobench measures what isolation costs (memory, tasks, "
		   "startup, network), not how often instances fail or what orchestration costs.");
	if (n == 0)
		return;
	say(&c->t, " Skipped in this run (%d):", n);
	cJSON_ArrayForEach(s, skipped)
	{
		char text[512];

		results_skipped_text(s, text, sizeof(text));
		say(&c->t, " %s%s", text, s->next ? ";" : ".");
	}
}

void report_claim_answer(const struct report_ctx *ctx, int claim, char *buf, size_t size)
{
	static void (*const answer[REPORT_CLAIMS])(struct claim *) = {
		claim_memory, claim_network, claim_tasks, claim_container, claim_management,
	};
	struct claim c = {.ctx = ctx, .t = {.buf = buf, .size = size}};

	buf[0] = '\0';
	figs_load(ctx, "native", c.native);
	figs_load(ctx, "ctr", c.ctr);
	figs_load(ctx, "vm", c.vm);
	answer[claim](&c);
}
