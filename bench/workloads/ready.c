/* ready [CODE]: the startup probe. READY, then exit CODE. */
#include "workload_main.h"

int ready_main(int argc, char **argv)
{
	struct iso_err err = {0};
	struct ready_args a;

	if (workload_args_ready(argc, argv, &a, &err) < 0)
		return workload_fail(&err, "ready", WORKLOAD_EXIT_USAGE);
	if (bench_port_open(&err) < 0 || bench_ready(&err) < 0)
		return workload_fail(&err, "ready", WORKLOAD_EXIT_FAIL);
	bench_exit(a.code);
}
