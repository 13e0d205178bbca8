/* Report charts: data files from result sets, gnuplot runs per terminal. */
#include "report_charts.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"

/* Parameters handed to a template besides dat/out/term/gpdir, as gnuplot
 * assignments ("n=3; logy=1; "). */
#define REPORT_PARAMS_MAX 2048

/* Startup spans native (~1 ms) to emulated VMs (seconds): beyond this
 * max/min ratio a linear axis would flatten the fast backends to zero. */
#define REPORT_LOG_SPAN 30.0

struct chart_out {
	FILE *dat;
	char params[REPORT_PARAMS_MAX];
	size_t rows;
	size_t label_max; /* longest x tick label */
};

/* Beyond this longest label times the number of labels (in characters),
 * x tick labels would run into each other across the ~800 px wide plot
 * area: they are rotated. */
#define REPORT_XTICS_FLAT_CHARS 72

/* Start a data row: its x (the row number) and its x tick label, `a`
 * followed by ` b` when b is set. */
static void put_row_label(struct chart_out *o, const char *a, const char *b)
{
	size_t len = strlen(a) + (b ? 1 + strlen(b) : 0);

	fprintf(o->dat, "%zu \"%s%s%s\"", o->rows, a, b ? " " : "", b ? b : "");
	if (len > o->label_max)
		o->label_max = len;
}

static void param_add(struct chart_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void param_add(struct chart_out *o, const char *fmt, ...)
{
	size_t len = strlen(o->params);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->params + len, sizeof(o->params) - len, fmt, ap);
	va_end(ap);
}

/* A gnuplot data value, "-" (set datafile missing) when not measured. */
static void put_value(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, " %.6g", v);
	else
		fprintf(f, " -");
}

/* Startup per backend: box (p25-p75), whiskers (min-max), median, and
 * every sample as a jittered point (data set index 1). */
static void data_startup(const struct report_ctx *ctx, struct chart_out *o)
{
	double lo = INFINITY, hi = 0;

	for (size_t i = 0; i < ctx->n_series; i++) {
		const struct results_figure *f = report_ctx_find(
			ctx, &ctx->series[i], "startup.ready_ms", 1, report_wl_ready, true);
		const struct stats_summary *s;

		if (!f)
			continue;
		s = &f->summary;
		put_row_label(o, ctx->series[i].label, NULL);
		put_value(o->dat, s->min);
		put_value(o->dat, s->p25);
		put_value(o->dat, s->median);
		put_value(o->dat, s->p75);
		put_value(o->dat, s->max);
		fprintf(o->dat, " %zu\n", s->n);
		lo = fmin(lo, s->min);
		hi = fmax(hi, s->max);
		o->rows++;
	}
	fprintf(o->dat, "\n\n");
	o->rows = 0;
	for (size_t i = 0; i < ctx->n_series; i++) {
		const struct results_figure *f = report_ctx_find(
			ctx, &ctx->series[i], "startup.ready_ms", 1, report_wl_ready, true);

		if (!f)
			continue;
		for (size_t k = 0; k < f->n_samples; k++) {
			/* spread points over two thirds of the box (width
			 * 0.45 in startup.gp) */
			double jitter =
				f->n_samples > 1
					? 0.3 * ((double)k / (double)(f->n_samples - 1) - 0.5)
					: 0;

			fprintf(o->dat, "%.4f %.6g\n", (double)o->rows + jitter, f->samples[k]);
		}
		o->rows++;
	}
	param_add(o, "n=%zu; logy=%d; ylo=%.6g; yhi=%.6g; ", o->rows,
		  lo > 0 && hi / lo > REPORT_LOG_SPAN, lo, hi);
}

/* Host memory per instance split into guest RAM, monitor, other process
 * PSS and what the cgroup charges beyond PSS (kernel, page cache). */
static void data_memory(const struct report_ctx *ctx, struct chart_out *o)
{
	bool any_guest = false, any_mon = false, any_kernel = false;

	for (size_t i = 0; i < ctx->n_series; i++) {
		const struct report_series *s = &ctx->series[i];
		double pss = report_median(
			report_ctx_find(ctx, s, "memory.pss_mib", 1, report_wl_memory, true));
		double guest = report_median(
			report_ctx_find(ctx, s, "memory.guest_ram_mib", 1, report_wl_memory, true));
		double mon = report_median(
			report_ctx_find(ctx, s, "memory.monitor_mib", 1, report_wl_memory, true));
		double cg = report_median(
			report_ctx_find(ctx, s, "memory.cgroup_mib", 1, report_wl_memory, true));
		double g = isfinite(guest) ? guest : 0, m = isfinite(mon) ? mon : 0;
		double procs, kernel, total;

		if (!isfinite(pss) && !isfinite(guest) && !isfinite(mon) && !isfinite(cg))
			continue;
		procs = isfinite(pss) ? fmax(0, pss - g - m) : 0;
		kernel = isfinite(cg) && isfinite(pss) ? fmax(0, cg - pss) : 0;
		total = g + m + procs + kernel;
		any_guest |= g > 0;
		any_mon |= m > 0;
		any_kernel |= kernel > 0;
		put_row_label(o, s->label, NULL);
		fprintf(o->dat, " %.6g %.6g %.6g %.6g %.6g\n", g, m, procs, kernel, total);
		o->rows++;
	}
	param_add(o, "n=%zu; show_guest=%d; show_monitor=%d; show_kernel=%d; ", o->rows, any_guest,
		  any_mon, any_kernel);
}

/* A tick spacing of 1, 2 or 5 times a power of ten giving about eight
 * ticks up to `max`, never below 1 (counts are whole numbers). */
static double count_step(double max)
{
	double raw = max / 8, mag;

	if (raw <= 1)
		return 1;
	mag = pow(10, floor(log10(raw)));
	if (raw <= 2 * mag)
		return 2 * mag;
	if (raw <= 5 * mag)
		return 5 * mag;
	return 10 * mag;
}

/* Tasks an instance adds on the host, tasks visible inside it and of
 * those the kernel threads (a guest's kernel). The native baseline has
 * no inside: its workload sees every task of the host, which is no cost
 * of isolation; that count goes into a note instead of a bar. Columns:
 * host inside "note" kernel_threads. */
static void data_tasks(const struct report_ctx *ctx, struct chart_out *o)
{
	bool any_inside = false, any_kthreads = false;
	double max = 0;

	for (size_t i = 0; i < ctx->n_series; i++) {
		const struct report_series *s = &ctx->series[i];
		double host = report_median(
			report_ctx_find(ctx, s, "tasks.host", 1, report_wl_tasks_host, true));
		double inside = report_median(
			report_ctx_find(ctx, s, "tasks.inside", 1, report_wl_tasks_inside, true));
		double kthreads = report_median(report_ctx_find(
			ctx, s, "tasks.inside_kernel_threads", 1, report_wl_tasks_inside, true));
		char note[64] = "";

		if (!isfinite(host) && !isfinite(inside))
			continue;
		if (!strcmp(s->backend, "native") && isfinite(inside)) {
			snprintf(note, sizeof(note), "sees the whole host: %.0f", inside);
			inside = kthreads = NAN;
		}
		put_row_label(o, s->label, NULL);
		put_value(o->dat, host);
		put_value(o->dat, inside);
		fprintf(o->dat, " \"%s\"", note);
		put_value(o->dat, kthreads > 0 ? kthreads : NAN);
		fprintf(o->dat, "\n");
		any_inside |= isfinite(inside) || note[0];
		any_kthreads |= kthreads > 0;
		max = fmax(max, fmax(isfinite(host) ? host : 0, isfinite(inside) ? inside : 0));
		o->rows++;
	}
	param_add(o, "n=%zu; show_inside=%d; show_kthreads=%d; ystep=%g; ", o->rows, any_inside,
		  any_kthreads, count_step(max));
}

/* median, p25, p75 of a figure (three missing values when absent). */
static void put_spread(FILE *f, const struct results_figure *fig)
{
	put_value(f, fig ? fig->summary.median : NAN);
	put_value(f, fig ? fig->summary.p25 : NAN);
	put_value(f, fig ? fig->summary.p75 : NAN);
}

typedef void (*net_row_fn)(void *arg, const struct report_series *s, const char *wl,
			   const struct results_figure *a, const struct results_figure *b);

/* Each row of a per-path network chart: one per (series, workload) that
 * has one of the two metrics, with its figures of each (NULL: absent). */
static void net_pair_rows(const struct report_ctx *ctx, const char *m1, const char *m2,
			  net_row_fn fn, void *arg)
{
	for (size_t i = 0; i < ctx->n_series; i++) {
		const struct report_series *s = &ctx->series[i];
		const struct results *rs = ctx->in[s->set].rs;

		for (size_t k = 0; k < rs->n_figures; k++) {
			const struct results_figure *f = rs->figures[k], *a, *b;
			const char *wl = f->workload;

			/* one row per workload: at its first figure of m1 or m2 */
			if (f->instances != 1 || strcmp(f->backend, s->backend) != 0 ||
			    (strcmp(f->metric, m1) != 0 && strcmp(f->metric, m2) != 0))
				continue;
			a = results_find(rs, s->backend, wl, m1, 1);
			b = results_find(rs, s->backend, wl, m2, 1);
			if (f == (a ? a : b))
				fn(arg, s, wl, a, b);
		}
	}
}

/* What the rows have in common: one workload (else NULL), any second
 * metric. */
struct net_scan {
	const char *wl;
	bool mixed, any_b;
};

static void net_row_scan(void *arg, const struct report_series *s, const char *wl,
			 const struct results_figure *a, const struct results_figure *b)
{
	struct net_scan *sc = arg;

	(void)s;
	(void)a;
	sc->mixed |= sc->wl && strcmp(sc->wl, wl) != 0;
	sc->wl = wl;
	sc->any_b |= b != NULL;
}

struct net_emit {
	struct chart_out *o;
	bool name_wl; /* several workloads: each label names its own */
};

static void net_row_emit(void *arg, const struct report_series *s, const char *wl,
			 const struct results_figure *a, const struct results_figure *b)
{
	struct net_emit *e = arg;

	put_row_label(e->o, s->label, e->name_wl ? wl : NULL);
	put_spread(e->o->dat, a);
	put_spread(e->o->dat, b);
	fprintf(e->o->dat, "\n");
	e->o->rows++;
}

/* Columns median/p25/p75 of m1, then of m2. Labels are the series'
 * when every row has the same workload (named once, as `wl`), else
 * "series workload"; `show_b` tells whether any row has m2. */
static void data_net_pair(const struct report_ctx *ctx, struct chart_out *o, const char *m1,
			  const char *m2)
{
	struct net_scan sc = {0};
	struct net_emit e = {.o = o};

	net_pair_rows(ctx, m1, m2, net_row_scan, &sc);
	e.name_wl = sc.mixed;
	net_pair_rows(ctx, m1, m2, net_row_emit, &e);
	param_add(o, "n=%zu; wl='%s'; show_b=%d; ", o->rows, sc.mixed || !sc.wl ? "" : sc.wl,
		  sc.any_b);
}

static void data_net_throughput(const struct report_ctx *ctx, struct chart_out *o)
{
	const struct report_series *native = report_ctx_primary(ctx, "native");
	const struct results_figure *lim =
		native ? report_ctx_find(ctx, native, "net.stream_tx_gbps", 1, report_wl_net, true)
		       : NULL;

	data_net_pair(ctx, o, "net.stream_tx_gbps", "net.stream_rx_gbps");
	/* The native pair over the same bridge is the path's limit (DESIGN.md). */
	param_add(o, "limit=%.6g; ", lim ? lim->summary.median : -1.0);
}

static void data_net_latency(const struct report_ctx *ctx, struct chart_out *o)
{
	double lo = INFINITY, hi = 0;

	data_net_pair(ctx, o, "net.rr_p50_us", "net.rr_p99_us");
	for (size_t i = 0; i < ctx->n_series; i++) {
		double p50 = report_median(
			report_ctx_find(ctx, &ctx->series[i], "net.rr_p50_us", 1, NULL, true));
		double p99 = report_median(
			report_ctx_find(ctx, &ctx->series[i], "net.rr_p99_us", 1, NULL, true));

		if (isfinite(p50))
			lo = fmin(lo, p50);
		if (isfinite(p99))
			hi = fmax(hi, p99);
	}
	param_add(o, "logy=%d; ", lo > 0 && hi / lo > REPORT_LOG_SPAN);
}

/* The workload a series' density figures were measured with: the first
 * of `workloads` that has a figure of `metric` at more than one instance,
 * else any such workload; NULL when the series has no density figure. */
static const char *density_workload(const struct results *rs, const char *backend,
				    const char *metric, const char *const *workloads)
{
	const char *any = NULL;

	for (size_t w = 0; workloads[w]; w++)
		for (size_t k = 0; k < rs->n_figures; k++) {
			const struct results_figure *f = rs->figures[k];

			if (f->instances > 1 && !strcmp(f->backend, backend) &&
			    !strcmp(f->metric, metric) && !strcmp(f->workload, workloads[w]))
				return f->workload;
		}
	for (size_t k = 0; k < rs->n_figures && !any; k++) {
		const struct results_figure *f = rs->figures[k];

		if (f->instances > 1 && !strcmp(f->backend, backend) && !strcmp(f->metric, metric))
			any = f->workload;
	}
	return any;
}

/* One block per series with >= 2 instance counts of one workload (a line
 * never mixes workloads): instances, median, p25, p75. Block titles go
 * to the template as a word list. */
static void data_density(const struct report_ctx *ctx, struct chart_out *o, const char *metric,
			 const char *const *workloads)
{
	char titles[REPORT_PARAMS_MAX / 2] = "";
	const char *first_wl = NULL;
	double lo = INFINITY, hi = 0;

	for (size_t i = 0; i < ctx->n_series; i++) {
		const struct report_series *s = &ctx->series[i];
		const struct results *rs = ctx->in[s->set].rs;
		const char *wl = density_workload(rs, s->backend, metric, workloads);
		const struct results_figure *pts[64];
		size_t n = 0;

		for (size_t k = 0; wl && k < rs->n_figures && n < 64; k++) {
			const struct results_figure *f = rs->figures[k];

			if (!strcmp(f->backend, s->backend) && !strcmp(f->metric, metric) &&
			    !strcmp(f->workload, wl))
				pts[n++] = f;
		}
		if (n < 2)
			continue;
		/* ascending instance counts */
		for (size_t a = 1; a < n; a++)
			for (size_t b = a; b > 0 && pts[b - 1]->instances > pts[b]->instances;
			     b--) {
				const struct results_figure *t = pts[b];

				pts[b] = pts[b - 1];
				pts[b - 1] = t;
			}
		for (size_t j = 0; j < n; j++) {
			fprintf(o->dat, "%u", pts[j]->instances);
			put_spread(o->dat, pts[j]);
			fprintf(o->dat, "\n");
			lo = fmin(lo, pts[j]->summary.p25);
			hi = fmax(hi, pts[j]->summary.p75);
		}
		fprintf(o->dat, "\n\n");
		snprintf(titles + strlen(titles), sizeof(titles) - strlen(titles), "%s%s",
			 o->rows ? " " : "", s->label);
		if (!first_wl)
			first_wl = wl;
		o->rows++;
	}
	param_add(o, "n=%zu; titles='%s'; logy=%d; wl='%s'; ", o->rows, titles,
		  lo > 0 && hi / lo > REPORT_LOG_SPAN, first_wl ? first_wl : "");
}

static void data_density_startup(const struct report_ctx *ctx, struct chart_out *o)
{
	data_density(ctx, o, "startup.ready_ms", report_wl_ready);
	param_add(o, "ylab='time to READY of the last instance (ms)'; what='Startup'; ");
}

static void data_density_memory(const struct report_ctx *ctx, struct chart_out *o)
{
	data_density(ctx, o, "memory.pss_mib", report_wl_memory);
	param_add(o, "ylab='host PSS of the last instance (MiB)'; what='Memory'; ");
}

struct chart_def {
	const char *name, *template, *caption;
	void (*data)(const struct report_ctx *ctx, struct chart_out *o);
};

static const struct chart_def charts[REPORT_CHART_COUNT] = {
	[REPORT_CHART_STARTUP] = {"startup", "startup.gp",
				  "Startup time per backend (launch to READY): box p25-p75, "
				  "whiskers min-max, dots are the samples.",
				  data_startup},
	[REPORT_CHART_MEMORY] = {"memory", "memory.gp",
				 "Host memory per instance (median PSS), split into guest RAM, "
				 "monitor, other processes, and cgroup charge beyond PSS.",
				 data_memory},
	[REPORT_CHART_TASKS] = {"tasks", "tasks.gp",
				"Tasks (processes + threads) one instance adds on the host, and "
				"tasks visible inside it (kernel threads included).",
				data_tasks},
	[REPORT_CHART_NET_THROUGHPUT] = {"net_throughput", "net_throughput.gp",
					 "TCP bulk throughput per network path (median, thin line "
					 "p25-p75) against the native pair's limit.",
					 data_net_throughput},
	[REPORT_CHART_NET_LATENCY] = {"net_latency", "net_latency.gp",
				      "Request/response latency per network path, p50 and p99 "
				      "(median over repetitions, thin lines p25-p75).",
				      data_net_latency},
	[REPORT_CHART_DENSITY_STARTUP] = {"density_startup", "density.gp",
					  "Startup time of the last instance versus the number of "
					  "instances running.",
					  data_density_startup},
	[REPORT_CHART_DENSITY_MEMORY] = {"density_memory", "density.gp",
					 "Host memory of the last instance versus the number of "
					 "instances running.",
					 data_density_memory},
};

const char *report_chart_name(enum report_chart c)
{
	return charts[c].name;
}

const char *report_chart_caption(enum report_chart c)
{
	return charts[c].caption;
}

/* gnuplot quotes strings with '...'; a path holding one cannot be passed. */
static int check_quotable(const char *s, struct iso_err *err)
{
	if (strchr(s, '\''))
		return iso_err_input(err, -EINVAL, "report: path %s contains a quote", s);
	return 0;
}

/* Run gnuplot once; its output goes to `log_fd`. */
static int run_gnuplot(const struct report_ctx *ctx, const struct chart_def *def,
		       const char *params, const char *term, int log_fd, struct iso_err *err)
{
	cleanup_free char *script = NULL;
	cleanup_free char *expr = NULL;
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int r, status;

	if (asprintf(&script, "%s/%s", ctx->gnuplot_dir, def->template) < 0 ||
	    asprintf(&expr, "%semulated=%d; dat='%s/%s.dat'; out='%s/%s.%s'; term='%s'; gpdir='%s'",
		     params, report_ctx_emulated(ctx), ctx->outdir, def->name, ctx->outdir,
		     def->name, term, term, ctx->gnuplot_dir) < 0) {
		script = expr = NULL;
		return iso_err_set(err, -ENOMEM, "report: gnuplot arguments");
	}
	char *argv[] = {"gnuplot", "-e", expr, script, NULL};

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, log_fd, STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, log_fd, STDERR_FILENO);
	r = posix_spawnp(&pid, "gnuplot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0)
		return iso_err_set(err, -r, "report: run gnuplot");
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return iso_err_set(err, -errno, "report: wait for gnuplot");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return iso_err_input(err, -EIO,
				     "report: gnuplot failed on %s.%s (see %s/gnuplot.log)",
				     def->name, term, ctx->outdir);
	return 0;
}

static int render_one(const struct report_ctx *ctx, const struct chart_def *def, int log_fd,
		      bool *drawn, struct iso_err *err)
{
	struct chart_out o = {0};
	cleanup_free char *path = NULL;
	int r;

	if (asprintf(&path, "%s/%s.dat", ctx->outdir, def->name) < 0) {
		path = NULL;
		return iso_err_set(err, -ENOMEM, "report: path");
	}
	o.dat = fopen(path, "we");
	if (!o.dat)
		return iso_err_set(err, -errno, "report: create %s", path);
	fprintf(o.dat, "# %s\n# isobench report data for %s.svg/.png (scripts/gnuplot/%s)\n",
		def->caption, def->name, def->template);
	def->data(ctx, &o);
	param_add(&o, "rot=%d; ", o.label_max * o.rows > REPORT_XTICS_FLAT_CHARS);
	if (fclose(o.dat) != 0)
		return iso_err_set(err, -errno, "report: write %s", path);
	*drawn = o.rows > 0;
	if (!*drawn) {
		unlink(path);
		return 0;
	}
	r = run_gnuplot(ctx, def, o.params, "svg", log_fd, err);
	if (r == 0)
		r = run_gnuplot(ctx, def, o.params, "png", log_fd, err);
	return r;
}

int report_charts_render(const struct report_ctx *ctx, bool drawn[REPORT_CHART_COUNT],
			 struct iso_err *err)
{
	cleanup_free char *log = NULL;
	cleanup_close int log_fd = -1;
	int r;

	if ((r = check_quotable(ctx->outdir, err)) < 0 ||
	    (r = check_quotable(ctx->gnuplot_dir, err)) < 0)
		return r;
	if (asprintf(&log, "%s/gnuplot.log", ctx->outdir) < 0) {
		log = NULL;
		return iso_err_set(err, -ENOMEM, "report: path");
	}
	log_fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (log_fd < 0)
		return iso_err_set(err, -errno, "report: create %s", log);
	for (int c = 0; c < REPORT_CHART_COUNT; c++) {
		r = render_one(ctx, &charts[c], log_fd, &drawn[c], err);
		if (r < 0)
			return r;
	}
	return 0;
}
