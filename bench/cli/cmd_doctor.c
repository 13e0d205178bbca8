/* bench doctor: what this host can run, checked by running it. */
#include <stdio.h>
#include <string.h>

#include "backend.h"
#include "bench_cli.h"
#include "env.h"
#include "probe_perf.h"
#include "runloop.h"
#include "runner.h"
#include "suite.h"

/* Run `ready` once under `be` through the real executor. */
static int doctor_try(struct runner *rn, const struct backend *be, char *why, size_t cap)
{
	struct job job = {be, suite_find("ready"), 1, 1};
	struct sample_list l = {.n = 0};
	struct iso_err err = {0};
	int r = rn->ex.ops->measure(&rn->ex, &job, &l, &err);

	snprintf(why, cap, "%s", r < 0 ? err.msg : "");
	for (size_t i = 0; r == 0 && i < l.n; i++)
		if (!strcmp(l.s[i].metric, "startup.ready_ms"))
			snprintf(why, cap, "ready in %.1f ms", l.s[i].value);
	return r;
}

int cmd_doctor(int argc, char **argv)
{
	struct bench_ctx ctx;
	struct iso_err err = {0};
	struct runner rn;
	unsigned int perf = probe_perf_available();
	char kvm_why[128];
	int failed = 0;

	if (cli_no_args("doctor", argc, argv,
			"Reports KVM (native, emulated or none), the cgroup layout, which perf\n"
			"counters open, and runs the `ready` workload once under every backend\n"
			"this host has, saying why the others are missing.",
			&failed))
		return failed;
	printf("kvm:     %s", env_kvm_name(env_kvm(false)));
	if (env_kvm_check(kvm_why, sizeof(kvm_why)) < 0)
		printf(" (%s)", kvm_why);
	putchar('\n');
	printf("cgroups: %s\n", env_cgroup_name(env_cgroup_layout()));
	printf("perf:   ");
	for (int i = 0; i < PROBE_PERF_COUNT; i++)
		printf(" %s=%s", probe_perf_events[i].pfm_name, (perf >> i) & 1 ? "yes" : "no");
	putchar('\n');
	if (session_open(&ctx, &err) < 0) {
		iso_err_print(&err, "bench doctor");
		session_close(&ctx);
		return BENCH_EXIT_FAIL;
	}
	printf("pinning: instance cpu %d, sink cpu %d\n", ctx.instance_cpu, ctx.sink_cpu);
	runner_init(&rn, &ctx);
	for (size_t i = 0; i < backend_table_count; i++) {
		const struct backend *be = backend_table[i];
		char why[ISO_ERR_MSG_MAX] = "", version[128] = "";
		const char *state = "missing";

		if (backend_available(be, &ctx, why, sizeof(why)) == 0) {
			state = doctor_try(&rn, be, why, sizeof(why)) == 0 ? "runs" : "FAILS";
			failed |= state[0] == 'F';
		}
		if (be->version)
			be->version(be, &ctx, version, sizeof(version));
		printf("%-13s %-7s %s%s%s\n", be->name, state, why, version[0] ? " -- " : "",
		       version);
	}
	session_close(&ctx);
	return failed ? BENCH_EXIT_FAIL : BENCH_EXIT_OK;
}
