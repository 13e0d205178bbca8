/* bench run: the suite under every selected backend, one result set. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "bench_cli.h"
#include "env.h"
#include "fsutil.h"
#include "netlab.h"
#include "results.h"
#include "runloop.h"
#include "runner.h"
#include "suite.h"

/* Defaults sized so that `bench run --all` ends within 15 minutes on a
 * two-core machine inside the emulated test machine. */
#define RUN_REPS_DEFAULT 5
/* Emulated KVM boots a guest in seconds, not milliseconds: fewer rounds
 * keep --all within the budget; the figures are for ratios anyway. */
#define RUN_REPS_EMULATED    3
#define RUN_DENSITY_EMULATED 2
/* Backstop handed to scripts/testvm for the whole suite: every instance
 * has its own time limit, so this only ends a machine that stopped making
 * progress. Three times the quiet-machine budget: a loaded machine (a CI
 * runner shared with other jobs) still finishes; results are rewritten
 * after every repetition, so even a stopped suite keeps its figures. */
#define RUN_TESTVM_TIMEOUT_S "2700"
#define RUN_WARMUP_DEFAULT   1
#define RUN_DENSITY_DEFAULT  4
#define RUN_DENSITY_REPS     2
#define RUN_QUICK_REPS	     2
#define RUN_MAX_FAILURES     2
#define RUN_REPS_MAX	     1000
/* A held density instance: the mem workload's 64 MiB plus its monitor. */
#define RUN_DENSITY_MIB 320

static volatile sig_atomic_t run_cancel;

static void on_signal(int sig)
{
	(void)sig;
	run_cancel = 1;
}

struct run_opts {
	int all, quick, nat, emulated, resume; /* set by getopt_long itself */
	char *backends, *workloads, *out;
	unsigned int reps, max;
	bool reps_set, max_set;
};

static const char run_help[] =
	"usage: bench run [--all] [--backend B[,B...]] [--workload W[,W...]] [--reps N]\n"
	"                 [--out DIR [--resume]] [--quick] [--max N] [--nat]\n"
	"\n"
	"Runs every selected workload under every selected backend (backends\n"
	"interleaved per repetition, warm-up first) and writes DIR/results.json\n"
	"(default results/<UTC time>-<host>/), rewritten after every repetition.\n"
	"\n"
	"  --all           every backend and every suite workload, plus density\n"
	"  --backend LIST  backends (bench list); default: all\n"
	"  --workload LIST workloads (bench list); default: the suite\n"
	"  --reps N        measured repetitions (default 5, emulated KVM 3, --quick 2)\n"
	"  --out DIR       result directory\n"
	"  --resume        continue the set in --out DIR (a run that stopped early):\n"
	"                  measure only the repetitions and density sweeps it lacks\n"
	"  --quick         short smoke run: fewer repetitions, no warm-up\n"
	"  --max N         density: up to N instances at once (--all: 4, emulated 2)\n"
	"  --nat           also the network workloads through a masquerading router\n"
	"                  (net-stream-nat, net-rr-nat: the NAT path, like VMnet#0)\n"
	"\n"
	"Without a usable KVM (/dev/kvm on VT-x or AMD-V), --all re-runs itself\n"
	"inside the emulated test machine (scripts/testvm) so every backend shares\n"
	"one environment; results are then labelled emulated.\n";

/* `s` as a count in 1..max for option `opt`; a usage error otherwise. */
static int parse_count(const char *opt, const char *s, unsigned int max, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v < 1 || v > max || s[0] == '-') {
		cli_usage_error("run", "%s: '%s' is not 1..%u", opt, s, max);
		return -EINVAL;
	}
	*out = (unsigned int)v;
	return 0;
}

static int run_parse(int argc, char **argv, struct run_opts *o)
{
	const struct option longopts[] = {
		{"all", no_argument, &o->all, 1},
		{"backend", required_argument, NULL, 'b'},
		{"workload", required_argument, NULL, 'w'},
		{"reps", required_argument, NULL, 'r'},
		{"out", required_argument, NULL, 'o'},
		{"quick", no_argument, &o->quick, 1},
		{"max", required_argument, NULL, 'm'},
		{"nat", no_argument, &o->nat, 1},
		{"emulated", no_argument, &o->emulated, 1},
		{"resume", no_argument, &o->resume, 1},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 0: /* a flag, stored by getopt_long */
			break;
		case 'b':
			o->backends = optarg;
			break;
		case 'w':
			o->workloads = optarg;
			break;
		case 'r':
			if (parse_count("--reps", optarg, RUN_REPS_MAX, &o->reps) < 0)
				return BENCH_EXIT_USAGE;
			o->reps_set = true;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'm':
			if (parse_count("--max", optarg, RUNLOOP_DENSITY_MAX, &o->max) < 0)
				return BENCH_EXIT_USAGE;
			o->max_set = true;
			break;
		case 'h':
			fputs(run_help, stdout);
			return -1;
		default:
			return cli_usage_error("run", "unknown option '%s' (try: bench run --help)",
					       argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error("run", "unexpected argument '%s'", argv[optind]);
	if (o->resume && !o->out)
		return cli_usage_error("run", "--resume needs --out DIR (the set to continue)");
	return 0;
}

/* Resolve a comma list against a table through `find`; fill `out`. */
static int pick_backends(const char *list, const struct backend **out, size_t *n)
{
	char buf[512], *save = NULL;

	*n = 0;
	if (!list) {
		for (size_t i = 0; i < backend_table_count; i++)
			out[(*n)++] = backend_table[i];
		return 0;
	}
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		const struct backend *be = backend_find(t);

		if (!be)
			return cli_usage_error("run", "unknown backend '%s' (see: bench list)", t);
		for (size_t i = 0; i < *n; i++)
			if (out[i] == be)
				return cli_usage_error("run", "backend '%s' given twice", t);
		if (*n >= RUNLOOP_BACKENDS_MAX)
			return cli_usage_error("run", "too many backends");
		out[(*n)++] = be;
	}
	return 0;
}

/* The suite's --all workloads or `list`; with `nat`, plus every NAT
 * workload not listed yet. */
static int pick_workloads(const char *list, bool nat, const struct suite_workload **out, size_t *n)
{
	char buf[512], *save = NULL;

	*n = 0;
	if (!list) {
		for (size_t i = 0; i < suite_workloads_count; i++)
			if (suite_workloads[i].in_all)
				out[(*n)++] = &suite_workloads[i];
	} else {
		snprintf(buf, sizeof(buf), "%s", list);
	}
	for (char *t = list ? strtok_r(buf, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save)) {
		const struct suite_workload *wl = suite_find(t);

		if (!wl)
			return cli_usage_error("run", "unknown workload '%s' (see: bench list)", t);
		for (size_t i = 0; i < *n; i++)
			if (out[i] == wl)
				return cli_usage_error("run", "workload '%s' given twice", t);
		out[(*n)++] = wl;
	}
	for (size_t i = 0; nat && i < suite_workloads_count; i++) {
		size_t j = 0;

		while (j < *n && out[j] != &suite_workloads[i])
			j++;
		if (suite_workloads[i].nat && j == *n)
			out[(*n)++] = &suite_workloads[i];
	}
	return 0;
}

/* No usable KVM (`why`): run the whole suite inside the emulated test
 * machine. */
static int run_in_testvm(const char *top, int argc, char **argv, const char *out, const char *why)
{
	char testvm[PATH_MAX + 32], bench[PATH_MAX + 32], outarg[PATH_MAX + 8];
	char *args[64];
	int n = 0;

	snprintf(testvm, sizeof(testvm), "%s/scripts/testvm", top);
	snprintf(bench, sizeof(bench), "%s/build/bench", top);
	snprintf(outarg, sizeof(outarg), "--out=%s", out);
	if (access(testvm, X_OK) < 0 || argc > 56)
		return -ENOENT;
	args[n++] = testvm;
	args[n++] = "--timeout";
	args[n++] = RUN_TESTVM_TIMEOUT_S;
	args[n++] = "--";
	args[n++] = bench;
	/* argv[0] is "run"; --out is replaced by the resolved path. */
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--out"))
			i++;
		else if (strncmp(argv[i], "--out=", 6) != 0)
			args[n++] = argv[i];
	}
	args[n++] = "--emulated";
	args[n++] = outarg;
	args[n] = NULL;
	printf("bench: no usable KVM here (%s): running the whole suite inside the emulated KVM "
	       "test machine (scripts/testvm); timings are emulated: ratios, not absolute "
	       "claims\n",
	       why);
	fflush(stdout);
	execv(testvm, args);
	return -errno;
}

static int default_out(const char *top, char *out, size_t cap)
{
	int n;
	struct utsname u;
	char stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
	uname(&u);
	n = snprintf(out, cap, "%s/results/%s-%s", top, stamp, u.nodename);
	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

static void progress_line(const struct runloop_progress *p, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "\r\033[K[%zu/%zu] %-12s %-10s x%u %s", p->done + 1, p->total, p->backend,
		p->workload, p->instances, p->phase);
	fflush(stderr);
}

static void failed_line(const struct job *job, const struct iso_err *why, void *ctx)
{
	(void)ctx;
	fprintf(stderr, "%sbench: %s/%s failed: %s\n", isatty(2) ? "\r\033[K" : "", job->be->name,
		job->wl->name, why->msg);
}

static cJSON *run_config(const struct run_opts *o, const struct runloop_config *rc)
{
	cJSON *c = cJSON_CreateObject(), *b, *w;

	cJSON_AddNumberToObject(c, "reps", rc->reps);
	cJSON_AddNumberToObject(c, "warmup", rc->warmup);
	cJSON_AddBoolToObject(c, "interleaved", 1);
	cJSON_AddBoolToObject(c, "quick", o->quick);
	b = cJSON_AddArrayToObject(c, "backends");
	for (size_t i = 0; i < rc->nbackends; i++)
		cJSON_AddItemToArray(b, cJSON_CreateString(rc->backends[i]->name));
	w = cJSON_AddArrayToObject(c, "workloads");
	for (size_t i = 0; i < rc->nworkloads; i++)
		cJSON_AddItemToArray(w, cJSON_CreateString(rc->workloads[i]->name));
	cJSON_AddNumberToObject(c, "density_max", rc->density_max);
	cJSON_AddNumberToObject(c, "density_reps", rc->density_reps);
	cJSON_AddBoolToObject(c, "resumed", o->resume);
	return c;
}

static void skip(cJSON *skipped, const char *backend, const char *workload, const char *reason)
{
	cJSON *item = cJSON_CreateObject();

	cJSON_AddStringToObject(item, "backend", backend);
	if (workload)
		cJSON_AddStringToObject(item, "workload", workload);
	cJSON_AddStringToObject(item, "reason", reason);
	cJSON_AddItemToArray(skipped, item);
	printf("bench: skipped %s%s%s: %s\n", backend, workload ? "/" : "",
	       workload ? workload : "", reason);
}

/* Keep only the backends this host can run; the rest are skipped. */
static void filter_available(const struct bench_ctx *ctx, const struct backend **bes, size_t *n,
			     cJSON *skipped)
{
	size_t kept = 0;

	for (size_t i = 0; i < *n; i++) {
		char reason[256] = "";

		if (backend_available(bes[i], ctx, reason, sizeof(reason)) == 0)
			bes[kept++] = bes[i];
		else
			skip(skipped, bes[i]->name, NULL, reason);
	}
	*n = kept;
}

/* Drop the workloads that need the lab (or, with `nat_only`, its NAT
 * router), each skipped with `why`. */
static void drop_net(const struct suite_workload **wls, size_t *n, bool nat_only, const char *why,
		     cJSON *skipped)
{
	char reason[ISO_ERR_MSG_MAX + 64];
	size_t kept = 0;

	snprintf(reason, sizeof(reason), "no network lab%s: %s", nat_only ? " NAT router" : "",
		 why);
	for (size_t i = 0; i < *n; i++) {
		if (nat_only ? wls[i]->nat : wls[i]->needs_net)
			skip(skipped, "all", wls[i]->name, reason);
		else
			wls[kept++] = wls[i];
	}
	*n = kept;
}

/* Build the lab (with the NAT router when a NAT workload is selected)
 * when a workload needs it; otherwise drop those workloads. A router that
 * cannot be built drops only the NAT workloads. */
static void lab_open(struct bench_ctx *ctx, const struct suite_workload **wls, size_t *n,
		     cJSON *skipped)
{
	char sink[PATH_MAX], log[PATH_MAX + 16];
	struct netlab_config cfg = {ctx->rid, sink, ctx->sink_cpu, log, 0};
	struct iso_err err = {0};
	bool need = false;

	for (size_t i = 0; i < *n; i++) {
		need |= wls[i]->needs_net;
		cfg.nat |= wls[i]->nat;
	}
	if (!need)
		return;
	bench_ctx_path(ctx, BENCH_SINK, sink, sizeof(sink), NULL);
	snprintf(log, sizeof(log), "%s/sink.log", ctx->state_dir);
	if (access(sink, X_OK) < 0) {
		drop_net(wls, n, false, BENCH_SINK " is not built", skipped);
		return;
	}
	if (netlab_create(&cfg, &ctx->net, &err) == 0)
		return;
	if (cfg.nat) {
		drop_net(wls, n, true, err.msg, skipped);
		cfg.nat = 0;
		iso_err_clear(&err);
		if (netlab_create(&cfg, &ctx->net, &err) == 0)
			return;
	}
	drop_net(wls, n, false, err.msg, skipped);
}

static void command_line(int argc, char **argv, char *buf, size_t cap)
{
	size_t off = (size_t)snprintf(buf, cap, "bench");

	for (int i = 0; i < argc && off < cap; i++)
		off += (size_t)snprintf(buf + off, cap - off, " %s", argv[i]);
}

static int run_suite(const struct run_opts *o, int argc, char **argv, const char *out_dir,
		     struct iso_err *err)
{
	const struct backend *bes[RUNLOOP_BACKENDS_MAX];
	const struct suite_workload *wls[32];
	struct runloop_config rc = {0};
	bool emulated = env_kvm(o->emulated) == ENV_KVM_EMULATED;
	unsigned int reps = o->quick   ? RUN_QUICK_REPS
			    : emulated ? RUN_REPS_EMULATED
				       : RUN_REPS_DEFAULT;
	unsigned int density = o->quick ? 2 : emulated ? RUN_DENSITY_EMULATED : RUN_DENSITY_DEFAULT;
	struct bench_ctx ctx;
	struct results *rs = NULL;
	struct runner rn;
	char path[PATH_MAX + 32], cmd[1024];
	cJSON *env = NULL, *skipped = cJSON_CreateArray();
	size_t nb, nw;
	int r;

	if (pick_backends(o->backends, bes, &nb) ||
	    pick_workloads(o->workloads, o->nat, wls, &nw)) {
		cJSON_Delete(skipped);
		return -EINVAL;
	}
	r = session_open(&ctx, err);
	if (r < 0) {
		cJSON_Delete(skipped);
		session_close(&ctx);
		return r;
	}
	ctx.cancel = &run_cancel;
	command_line(argc, argv, cmd, sizeof(cmd));
	snprintf(path, sizeof(path), "%s/results.json", out_dir);
	/* A resumed set keeps its id, command and environment (the same
	 * machine's, or a new boot of the same emulated one). */
	if (o->resume) {
		if ((r = results_load(path, &rs, err)) < 0)
			iso_err_wrap(err, "--resume");
	} else if ((r = fsutil_mkdir_p(out_dir, 0755, err)) == 0) {
		r = results_create(ctx.rid, cmd, &rs, err);
	}
	if (r == 0)
		r = env_collect(&ctx, o->emulated, &env, err);
	if (r < 0)
		goto out;
	if (o->resume)
		cJSON_Delete(env);
	else
		results_set_environment(rs, env);
	filter_available(&ctx, bes, &nb, skipped);
	lab_open(&ctx, wls, &nw, skipped);
	results_set_skipped(rs, skipped);
	skipped = NULL;
	rc = (struct runloop_config){
		.backends = bes,
		.nbackends = nb,
		.workloads = wls,
		.nworkloads = nw,
		.reps = o->reps_set ? o->reps : reps,
		.warmup = o->quick ? 0 : RUN_WARMUP_DEFAULT,
		.density_max = o->max_set ? o->max
			       : o->all	  ? density
					  : 0,
		.density_reps = o->quick || emulated ? 1 : RUN_DENSITY_REPS,
		.density_mib = RUN_DENSITY_MIB,
		.results_path = path,
		.max_failures = RUN_MAX_FAILURES,
		.progress = isatty(2) ? progress_line : NULL,
		.failed = failed_line,
		.cancel = &run_cancel,
	};
	results_set_config(rs, run_config(o, &rc));
	printf("bench: run %s: %zu backends, %zu workloads, %u reps (+%u warm-up)%s -> %s%s\n",
	       ctx.rid, nb, nw, rc.reps, rc.warmup, emulated ? ", KVM emulated" : "", path,
	       o->resume ? " (resumed: what it lacks)" : "");
	fflush(stdout);
	runner_init(&rn, &ctx);
	r = runloop_run(&rc, &rn.ex, rs, err);
	if (isatty(2))
		fputc('\n', stderr);
	if (r == 0)
		printf("bench: wrote %s (%zu figures)\n", path, rs->n_figures);
out:
	cJSON_Delete(skipped);
	results_destroy(rs);
	netlab_destroy(ctx.net);
	ctx.net = NULL;
	session_close(&ctx);
	return r;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = {0};
	struct iso_err err = {0};
	struct sigaction sa = {.sa_handler = on_signal};
	char top[PATH_MAX], out[PATH_MAX + 128], why[128];
	int r = run_parse(argc, argv, &o);

	if (r < 0)
		return BENCH_EXIT_OK; /* --help */
	if (r > 0)
		return BENCH_EXIT_USAGE;
	if (!o.all && !o.backends && !o.workloads)
		return cli_usage_error("run", "say what to run: --all, --backend or --workload");
	if (session_top(top, sizeof(top), &err) < 0) {
		iso_err_print(&err, "bench run");
		return BENCH_EXIT_FAIL;
	}
	if (o.out) {
		if (o.out[0] == '/')
			snprintf(out, sizeof(out), "%s", o.out);
		else if (!getcwd(out, sizeof(out) - strlen(o.out) - 2))
			return cli_usage_error("run", "--out: cannot resolve '%s'", o.out);
		else
			snprintf(out + strlen(out), sizeof(out) - strlen(out), "/%s", o.out);
	} else {
		default_out(top, out, sizeof(out));
	}
	if (o.all && !o.emulated && env_kvm_check(why, sizeof(why)) < 0) {
		r = run_in_testvm(top, argc, argv, out, why);
		fprintf(stderr,
			"bench run: no usable KVM (%s) and no test machine (%s): VM backends will "
			"be skipped\n",
			why, strerror(-r));
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	r = run_suite(&o, argc, argv, out, &err);
	if (r == -EINVAL && !err.msg[0])
		return BENCH_EXIT_USAGE;
	if (r < 0) {
		iso_err_print(&err, "bench run");
		return r == -EINTR ? 130 : BENCH_EXIT_FAIL;
	}
	return BENCH_EXIT_OK;
}
