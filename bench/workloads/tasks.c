/* tasks: REPORT the processes, threads and kernel threads visible in /proc. */
#include "tasks_count.h"
#include "workload_main.h"

int tasks_main(int argc, char **argv)
{
	struct iso_err err = {0};
	struct tasks_count c;

	if (workload_args_tasks(argc, argv, &err) < 0)
		return workload_fail(&err, "tasks", WORKLOAD_EXIT_USAGE);
	if (bench_port_open(&err) < 0 || tasks_count_scan("/proc", &c, &err) < 0 ||
	    bench_report(&err, "processes", "%lu", c.processes) < 0 ||
	    bench_report(&err, "threads", "%lu", c.threads) < 0 ||
	    bench_report(&err, "kernel_threads", "%lu", c.kernel_threads) < 0 ||
	    bench_ready(&err) < 0)
		return workload_fail(&err, "tasks", WORKLOAD_EXIT_FAIL);
	bench_exit(0);
}
