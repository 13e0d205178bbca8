/* The metric table of results/SCHEMA.md. */
#include "metrics.h"

#include <string.h>

struct metric_row {
	const char *name; /* exact name, or a prefix ending in '.' */
	struct metric_info info;
};

#define LOWER  RESULTS_BETTER_LOWER
#define HIGHER RESULTS_BETTER_HIGHER

static const struct metric_row metric_rows[] = {
	{"startup.ready_ms", {"ms", LOWER, false}},
	{"startup.first_instr_ms", {"ms", LOWER, false}},
	{"startup.exit_ms", {"ms", LOWER, false}},
	{"startup.phase.", {"ms", LOWER, false}},
	{"memory.pss_mib", {"MiB", LOWER, false}},
	{"memory.peak_pss_mib", {"MiB", LOWER, false}},
	{"memory.overhead_mib", {"MiB", LOWER, false}},
	{"memory.guest_ram_mib", {"MiB", LOWER, false}},
	{"memory.monitor_mib", {"MiB", LOWER, false}},
	{"memory.cgroup_mib", {"MiB", LOWER, false}},
	{"memory.system_delta_mib", {"MiB", LOWER, true}},
	{"tasks.host", {"count", LOWER, false}},
	{"tasks.host_processes", {"count", LOWER, false}},
	{"tasks.inside", {"count", LOWER, false}},
	{"tasks.inside_kernel_threads", {"count", LOWER, false}},
	{"net.stream_tx_gbps", {"Gbit/s", HIGHER, false}},
	{"net.stream_rx_gbps", {"Gbit/s", HIGHER, false}},
	{"net.rr_p50_us", {"us", LOWER, false}},
	{"net.rr_p99_us", {"us", LOWER, false}},
	{"net.cpu_s_per_gb", {"s/GB", LOWER, false}},
	{"cpu.task_clock_ms", {"ms", LOWER, false}},
	{"cpu.context_switches", {"count", LOWER, false}},
	{"cpu.page_faults", {"count", LOWER, false}},
	{"cpu.cycles", {"count", LOWER, false}},
	{"cpu.instructions", {"count", LOWER, false}},
};

struct metric_info metrics_info(const char *name)
{
	for (size_t i = 0; i < sizeof(metric_rows) / sizeof(metric_rows[0]); i++) {
		const char *m = metric_rows[i].name;
		size_t len = strlen(m);

		if (m[len - 1] == '.' ? !strncmp(name, m, len) : !strcmp(name, m))
			return metric_rows[i].info;
	}
	return (struct metric_info){"count", LOWER, false};
}
