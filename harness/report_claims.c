/* Answers to the source texts' claims, computed from the result set. */
#include "report_claims.h"

#include <math.h>
#include <stdarg.h>
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

static const char *const wl_ready[] = {"ready", NULL};
static const char *const wl_memory[] = {"ready", "mem", NULL};
static const char *const wl_tasks_host[] = {"ready", "tasks", NULL};
static const char *const wl_tasks_inside[] = {"tasks", NULL};

/* Median of `metric` for `backend` in the primary set, NAN when absent. */
static const struct results_figure *fig(const struct report_ctx *ctx, const char *backend,
					const char *metric, const char *const *workloads)
{
	const struct report_series *s = report_ctx_primary(ctx, backend);

	return s ? report_ctx_find(ctx, s, metric, 1, workloads, true) : NULL;
}

static double med(const struct report_ctx *ctx, const char *backend, const char *metric,
		  const char *const *workloads)
{
	return report_median(fig(ctx, backend, metric, workloads));
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

/* "3 host tasks", "1 host task" or "not measured". */
static void say_count(struct text *t, double v, const char *one, const char *many)
{
	if (isfinite(v)) {
		say_number(t, v);
		say(t, " %s", v == 1 ? one : many);
	} else {
		say(t, "not measured");
	}
}

static void claim_memory(const struct report_ctx *ctx, struct text *t)
{
	double nat = med(ctx, "native", "memory.pss_mib", wl_memory);
	double vm = med(ctx, "vm", "memory.pss_mib", wl_memory);
	double ctr = med(ctx, "ctr", "memory.pss_mib", wl_memory);
	double guest = med(ctx, "vm", "memory.guest_ram_mib", wl_memory);
	double mon = med(ctx, "vm", "memory.monitor_mib", wl_memory);
	double cg = med(ctx, "ctr", "memory.cgroup_mib", wl_memory);

	if (!isfinite(nat) && !isfinite(vm) && !isfinite(ctr)) {
		say(t, "Not measured: this result set has no memory.pss_mib figure.");
		return;
	}
	const struct results_figure *any = fig(ctx, "native", "memory.pss_mib", wl_memory);

	if (!any)
		any = fig(ctx, "vm", "memory.pss_mib", wl_memory);
	if (!any)
		any = fig(ctx, "ctr", "memory.pss_mib", wl_memory);
	say(t,
	    "Host memory with the %s workload (PSS summed over every host task of one "
	    "instance, median): natively ",
	    any ? any->workload : "?");
	say_value(t, nat, "MiB");
	say(t, "; in the VM ");
	say_value(t, vm, "MiB");
	if (isfinite(vm) && isfinite(nat))
		say(t, " (%+.3g MiB over native)", vm - nat);
	if (isfinite(vm)) {
		say(t, ", of which guest RAM resident ");
		say_value(t, guest, "MiB");
		say(t, " and the monitor's own ");
		say_value(t, mon, "MiB");
	}
	say(t, "; in the container ");
	say_value(t, ctr, "MiB");
	if (isfinite(ctr) && isfinite(nat))
		say(t, " (%+.3g MiB over native)", ctr - nat);
	say(t, ", its cgroup charging ");
	say_value(t, cg, "MiB");
	say(t, ".");
	if (isfinite(vm) && isfinite(ctr) && ctr > 0)
		say(t, " The VM instance costs %.3g times the container's memory.", vm / ctr);
	if (isfinite(guest) && isfinite(vm) && vm > 0)
		say(t, " Guest RAM is %.0f%% of the VM's footprint.", 100.0 * guest / vm);
}

/* Throughput of `backend` over the path limit, as "x Gbit/s (y% of the limit)". */
static void say_path(struct text *t, double v, double limit)
{
	say_value(t, v, "Gbit/s");
	if (isfinite(v) && isfinite(limit) && limit > 0)
		say(t, " (%.0f%% of the limit)", 100.0 * v / limit);
}

/* The first NAT-variant figure of the primary set (a workload naming
 * "nat"), or NULL. */
static const struct results_figure *find_nat(const struct report_ctx *ctx)
{
	const struct results *rs = ctx->in[0].rs;

	for (size_t i = 0; i < rs->n_figures; i++)
		if (strstr(rs->figures[i]->workload, "nat") &&
		    strcmp(rs->figures[i]->metric, "net.stream_tx_gbps") == 0)
			return rs->figures[i];
	return NULL;
}

static void claim_network(const struct report_ctx *ctx, struct text *t)
{
	double lim = med(ctx, "native", "net.stream_tx_gbps", NULL);
	double vm = med(ctx, "vm", "net.stream_tx_gbps", NULL);
	double ctr = med(ctx, "ctr", "net.stream_tx_gbps", NULL);
	const struct results_figure *nat = find_nat(ctx);

	if (!isfinite(lim) && !isfinite(vm) && !isfinite(ctr)) {
		say(t, "Not measured: this result set has no net.stream_tx_gbps figure.");
		return;
	}
	say(t, "Across the project's bridge (the virtual switch, like VMnet), TCP bulk "
	       "throughput from the workload to the sink: the native veth pair reaches ");
	say_value(t, lim, "Gbit/s");
	say(t, ", the limit of the path; the VM's software NIC (virtio-net over TAP) reaches ");
	say_path(t, vm, lim);
	say(t, "; the container's veth reaches ");
	say_path(t, ctr, lim);
	say(t, ". Request/response latency p50: native ");
	say_value(t, med(ctx, "native", "net.rr_p50_us", NULL), "µs");
	say(t, ", VM ");
	say_value(t, med(ctx, "vm", "net.rr_p50_us", NULL), "µs");
	say(t, ", container ");
	say_value(t, med(ctx, "ctr", "net.rr_p50_us", NULL), "µs");
	say(t, ".");
	if (nat)
		say(t, " Behind the NAT router (like VMnet#0), %s reaches %.3g Gbit/s.",
		    nat->backend, nat->summary.median);
	else
		say(t, " The NAT variant (VMnet#0) was not measured.");
}

static void claim_tasks(const struct report_ctx *ctx, struct text *t)
{
	double vm_h = med(ctx, "vm", "tasks.host", wl_tasks_host);
	double vm_p = med(ctx, "vm", "tasks.host_processes", wl_tasks_host);
	double vm_i = med(ctx, "vm", "tasks.inside", wl_tasks_inside);
	double vm_k = med(ctx, "vm", "tasks.inside_kernel_threads", wl_tasks_inside);
	double ct_h = med(ctx, "ctr", "tasks.host", wl_tasks_host);
	double ct_i = med(ctx, "ctr", "tasks.inside", wl_tasks_inside);
	double na_h = med(ctx, "native", "tasks.host", wl_tasks_host);

	if (!isfinite(vm_h) && !isfinite(ct_h) && !isfinite(na_h)) {
		say(t, "Not measured: this result set has no tasks.host figure.");
		return;
	}
	say(t, "A VM adds ");
	say_count(t, vm_h, "host task", "host tasks");
	if (isfinite(vm_p)) {
		say(t, " (");
		say_count(t, vm_p, "process", "processes");
		say(t, ", the rest threads such as vCPUs)");
	}
	say(t, " and runs ");
	say_count(t, vm_i, "task inside", "tasks inside");
	/* tasks.inside counts kernel threads too (SCHEMA.md); a set where it
	 * does not is reported as measured rather than as a contradiction. */
	if (isfinite(vm_k) && isfinite(vm_i) && vm_k <= vm_i)
		say(t, ", %.3g of them guest kernel threads", vm_k);
	else if (isfinite(vm_k))
		say(t, " and %.3g guest kernel threads", vm_k);
	say(t, "; a container adds ");
	say_count(t, ct_h, "host task", "host tasks");
	say(t, " and shows ");
	say_count(t, ct_i, "task inside", "tasks inside");
	say(t, "; the native baseline: ");
	say_count(t, na_h, "host task", "host tasks");
	say(t, ".");
	if (isfinite(vm_h) && isfinite(vm_i))
		say(t, " Two VM guests therefore mean %.3g host tasks plus %.3g guest tasks",
		    2 * vm_h, 2 * (isfinite(vm_k) && vm_k > vm_i ? vm_i + vm_k : vm_i));
	if (isfinite(vm_h) && isfinite(vm_i) && isfinite(ct_h))
		say(t, ", two containers %.3g host tasks.", 2 * ct_h);
	else if (isfinite(vm_h) && isfinite(vm_i))
		say(t, ".");
	/* the peers, where measured */
	for (size_t i = 0; i < ctx->n_series; i++) {
		const struct report_series *s = &ctx->series[i];
		double h;

		if (s->set != 0 || !strcmp(s->backend, "vm") || !strcmp(s->backend, "ctr") ||
		    !strcmp(s->backend, "native"))
			continue;
		h = report_median(report_ctx_find(ctx, s, "tasks.host", 1, wl_tasks_host, true));
		if (isfinite(h)) {
			say(t, " %s adds ", s->backend);
			say_count(t, h, "host task.", "host tasks.");
		}
	}
}

static void claim_container(const struct report_ctx *ctx, struct text *t)
{
	double vs = med(ctx, "vm", "startup.ready_ms", wl_ready);
	double cs = med(ctx, "ctr", "startup.ready_ms", wl_ready);
	double ns = med(ctx, "native", "startup.ready_ms", wl_ready);
	double vm = med(ctx, "vm", "memory.pss_mib", wl_memory);
	double cm = med(ctx, "ctr", "memory.pss_mib", wl_memory);
	double vt = med(ctx, "vm", "tasks.host", wl_tasks_host);
	double ct = med(ctx, "ctr", "tasks.host", wl_tasks_host);

	if (!isfinite(vs) && !isfinite(cs)) {
		say(t, "Not measured: this result set has no startup.ready_ms figure for the VM or "
		       "the container.");
		return;
	}
	say(t, "Launch to READY: container ");
	say_value(t, cs, "ms");
	say(t, ", VM ");
	say_value(t, vs, "ms");
	say(t, ", native ");
	say_value(t, ns, "ms");
	if (isfinite(vs) && isfinite(cs) && cs > 0)
		say(t, " — the container starts %.3g times %s than the VM",
		    vs >= cs ? vs / cs : cs / vs, vs >= cs ? "faster" : "slower");
	say(t, ". ");
	say(t, "Host memory: container ");
	say_value(t, cm, "MiB");
	say(t, ", VM ");
	say_value(t, vm, "MiB");
	if (isfinite(vm) && isfinite(cm))
		say(t, " (the container uses %s)", cm <= vm ? "less" : "more");
	say(t, ". Host tasks added: container ");
	say_count(t, ct, "task", "tasks");
	say(t, ", VM ");
	say_count(t, vt, "task", "tasks");
	say(t, ".");
	if (report_ctx_emulated(ctx))
		say(t, " The VM ran under emulated KVM here: its times are inflated, so the ratio "
		       "overstates what hardware virtualization would show.");
}

static void claim_management(const struct report_ctx *ctx, struct text *t)
{
	const cJSON *skipped = ctx->in[0].rs->skipped, *s;
	int n = cJSON_GetArraySize(skipped);

	say(t, "Not measured: isobench measures what isolation costs (memory, tasks, startup, "
	       "network), not how often instances fail or what orchestration costs.");
	if (n > 0) {
		say(t, " Backends skipped in this run (%d):", n);
		cJSON_ArrayForEach(s, skipped)
		{
			const cJSON *b = cJSON_GetObjectItemCaseSensitive(s, "backend");
			const cJSON *r = cJSON_GetObjectItemCaseSensitive(s, "reason");

			say(t, " %s (%s)%s", cJSON_IsString(b) ? b->valuestring : "?",
			    cJSON_IsString(r) ? r->valuestring : "?", s->next ? ";" : ".");
		}
	}
}

void report_claim_answer(const struct report_ctx *ctx, int claim, char *buf, size_t size)
{
	static void (*const answer[REPORT_CLAIMS])(const struct report_ctx *, struct text *) = {
		claim_memory, claim_network, claim_tasks, claim_container, claim_management,
	};
	struct text t = {.buf = buf, .size = size};

	buf[0] = '\0';
	answer[claim](ctx, &t);
}
