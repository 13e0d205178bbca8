/* bench list: backends (with availability on this host) and workloads. */
#include <limits.h>
#include <stdio.h>

#include "backend.h"
#include "bench_cli.h"
#include "suite.h"

int cmd_list(int argc, char **argv)
{
	struct bench_ctx ctx = {0};
	struct iso_err err = {0};
	int status;

	if (cli_no_args("list", argc, argv,
			"Backends with whether this host can run them (and why not), then the\n"
			"workloads of the suite.",
			&status))
		return status;
	if (session_top(ctx.top, sizeof(ctx.top), &err) < 0) {
		iso_err_print(&err, "bench list");
		return BENCH_EXIT_FAIL;
	}
	puts("backends:");
	for (size_t i = 0; i < backend_table_count; i++) {
		const struct backend *be = backend_table[i];
		char reason[256] = "";
		int ok = backend_available(be, &ctx, reason, sizeof(reason)) == 0;

		printf("  %-13s %-7s %-5s %s%s%s\n", be->name, be->peer ? "peer" : "project",
		       ok ? "yes" : "no", be->summary, ok ? "" : " -- ", reason);
	}
	puts("workloads:");
	for (size_t i = 0; i < suite_workloads_count; i++) {
		const struct suite_workload *wl = &suite_workloads[i];

		printf("  %-13s %-5s %s\n", wl->name, wl->in_all ? "suite" : "", wl->summary);
	}
	return BENCH_EXIT_OK;
}
