/* bench clean: sweep every kernel object left by runs whose owner died. */
#include <stdio.h>

#include "bench_cli.h"
#include "sweep.h"

int cmd_clean(int argc, char **argv)
{
	struct sweep_config cfg = {0};
	struct sweep_stats st = {0};
	struct iso_err err = {0};
	unsigned int total = 0;
	int r;

	if (cli_no_args("clean", argc, argv,
			"Removes the processes, mounts, network namespaces, links, cgroups and "
			"state\ndirectories of every run whose owner is no longer alive (runs in "
			"progress\nare left alone).",
			&r))
		return r;
	r = sweep_run(&cfg, &st, &err);
	for (int k = 0; k < SWEEP_KIND_COUNT; k++) {
		if (st.removed[k])
			printf("removed %-8s %u\n", sweep_kind_name(k), st.removed[k]);
		total += st.removed[k];
	}
	if (st.failed)
		printf("could not remove %u\n", st.failed);
	if (!total && !st.failed)
		puts("nothing to clean");
	if (r < 0) {
		iso_err_print(&err, "bench clean");
		return BENCH_EXIT_FAIL;
	}
	return BENCH_EXIT_OK;
}
