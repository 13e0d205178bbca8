/* The workloads of the suite and their REPORT-to-metric mapping. */
#include "suite.h"

#include <string.h>

/* `mem` holds long enough for every probe, and stops early on SIGTERM.
 * Network windows are short: each runs once per backend and repetition,
 * and an emulated run must stay within its time budget. */
#define MEM_HOLD_S "30"
#define NET_STREAM_ARGS                                                                            \
	{                                                                                          \
		"{sink}", "{port}", "--seconds", "2", "--send", "--warmup", "0.5"                  \
	}
#define NET_RR_ARGS                                                                                \
	{                                                                                          \
		"{sink}", "{port}", "--seconds", "1"                                               \
	}
#define NET_STREAM_REPORTS                                                                         \
	{                                                                                          \
		{                                                                                  \
			"gbps", "net.stream_tx_gbps", 1.0                                          \
		}                                                                                  \
	}
#define NET_RR_REPORTS                                                                             \
	{                                                                                          \
		{"p50_us", "net.rr_p50_us", 1.0},                                                  \
		{                                                                                  \
			"p99_us", "net.rr_p99_us", 1.0                                             \
		}                                                                                  \
	}

const struct suite_workload suite_workloads[] = {
	{.name = "ready", .summary = "READY then exit: the startup probe", .in_all = 1},
	{.name = "mem",
	 .args = {"64", "--hold", MEM_HOLD_S},
	 .summary = "touch 64 MiB and hold: memory and host tasks",
	 .holds = 1,
	 .in_all = 1},
	{.name = "tasks",
	 .summary = "count processes and threads visible inside",
	 .in_all = 1,
	 /* Every task visible inside: user threads ("threads" counts a
	  * process as its main thread) plus kernel threads. */
	 .reports = {{"threads", "tasks.inside", 1.0},
		     {"kernel_threads", "tasks.inside", 1.0},
		     {"kernel_threads", "tasks.inside_kernel_threads", 1.0}}},
	{.name = "net-stream",
	 .args = NET_STREAM_ARGS,
	 .summary = "TCP bulk stream to the sink across the bridge",
	 .needs_net = 1,
	 .in_all = 1,
	 .reports = NET_STREAM_REPORTS},
	{.name = "net-rr",
	 .args = NET_RR_ARGS,
	 .summary = "TCP request/response latency to the sink",
	 .needs_net = 1,
	 .in_all = 1,
	 .reports = NET_RR_REPORTS},
	{.name = "net-stream-nat",
	 .program = "net-stream",
	 .args = NET_STREAM_ARGS,
	 .summary = "net-stream through the NAT router (bench run --nat)",
	 .needs_net = 1,
	 .nat = 1,
	 .reports = NET_STREAM_REPORTS},
	{.name = "net-rr-nat",
	 .program = "net-rr",
	 .args = NET_RR_ARGS,
	 .summary = "net-rr through the NAT router (bench run --nat)",
	 .needs_net = 1,
	 .nat = 1,
	 .reports = NET_RR_REPORTS},
	{.name = "cpu", .summary = "fixed compute kernel"},
	{.name = "syscall", .summary = "tight loop of a cheap system call"},
};

const size_t suite_workloads_count = sizeof(suite_workloads) / sizeof(suite_workloads[0]);

const struct suite_workload *suite_find(const char *name)
{
	for (size_t i = 0; i < suite_workloads_count; i++)
		if (!strcmp(suite_workloads[i].name, name))
			return &suite_workloads[i];
	return NULL;
}

const struct suite_workload *suite_density_workload(void)
{
	return suite_find("mem");
}

int suite_argv(const struct suite_workload *wl, const char *sink_ip, const char *sink_port,
	       struct argv *out, struct iso_err *err)
{
	int r = argv_add(out, err, "%s", wl->program ? wl->program : wl->name);

	for (size_t i = 0; r == 0 && i < SUITE_ARGS_MAX && wl->args[i]; i++) {
		const char *a = wl->args[i];

		if (!strcmp(a, "{sink}"))
			a = sink_ip;
		else if (!strcmp(a, "{port}"))
			a = sink_port;
		r = argv_add(out, err, "%s", a);
	}
	return r;
}
