/* Measuring sessions: run id, state dir, sweep of dead runs, pinning. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench_cli.h"
#include "env.h"
#include "runid.h"
#include "sweep.h"

/* Per instance, launch -> EXIT: only a stuck instance meets it. An
 * emulated qemu-microvm needs ~40 s to READY on a quiet test machine and
 * several times that on a loaded one. */
#define SESSION_TIMEOUT_S 300
/* Guest RAM: the mem workload's 64 MiB plus the kernel and initramfs. */
#define SESSION_GUEST_MEM_MIB 256

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "bench %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return BENCH_EXIT_USAGE;
}

int cli_no_args(const char *cmd, int argc, char **argv, const char *help, int *status)
{
	if (argc <= 1)
		return 0;
	if (!strcmp(argv[1], "--help")) {
		printf("usage: bench %s\n\n%s\n", cmd, help);
		*status = BENCH_EXIT_OK;
	} else {
		*status = cli_usage_error(cmd, "unexpected argument '%s'", argv[1]);
	}
	return 1;
}

int session_top(char *top, size_t cap, struct iso_err *err)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n < 0)
		return iso_err_set(err, -errno, "readlink /proc/self/exe");
	exe[n] = '\0';
	/* <top>/build/bench: two levels up. */
	snprintf(top, cap, "%s", dirname(dirname(exe)));
	return 0;
}

int session_open(struct bench_ctx *ctx, struct iso_err *err)
{
	struct sweep_config sweep = {0};
	struct sweep_stats st = {0};
	int r;

	memset(ctx, 0, sizeof(*ctx));
	ctx->timeout_s = SESSION_TIMEOUT_S;
	ctx->guest_mem_mib = SESSION_GUEST_MEM_MIB;
	r = session_top(ctx->top, sizeof(ctx->top), err);
	if (r < 0)
		return r;
	if (geteuid() != 0)
		return iso_err_input(err, -EPERM,
				     "must run as root (namespaces, cgroups, the network lab)");
	/* Leftovers of dead runs go first: their names could collide. */
	if (sweep_run(&sweep, &st, err) < 0)
		fprintf(stderr, "bench: warning: sweep of dead runs: %s\n", err->msg);
	iso_err_clear(err);
	r = runid_generate(ctx->rid, err);
	if (r == 0)
		r = runid_state_create(NULL, ctx->rid, getpid(), err);
	if (r < 0)
		return iso_err_wrap(err, "run state");
	snprintf(ctx->state_dir, sizeof(ctx->state_dir), "%s/%s", RUNID_STATE_ROOT, ctx->rid);
	env_pick_cpus(&ctx->instance_cpu, &ctx->sink_cpu);
	/* The harness itself stays off the instance's CPU. */
	if (ctx->sink_cpu >= 0 && ctx->sink_cpu != ctx->instance_cpu) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(ctx->sink_cpu, &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	return 0;
}

void session_close(struct bench_ctx *ctx)
{
	if (ctx->rid[0])
		runid_state_remove(NULL, ctx->rid, NULL);
	ctx->rid[0] = '\0';
}
