/* cpu [ITER]: the fixed compute kernel; REPORT elapsed_ns and checksum. */
#include <inttypes.h>

#include "clock.h"
#include "cpu_kernel.h"
#include "workload_main.h"

int cpu_main(int argc, char **argv)
{
	struct iso_err err = {0};
	struct cpu_args a;
	uint64_t t0, t1, sum;

	if (workload_args_cpu(argc, argv, &a, &err) < 0)
		return workload_fail(&err, "cpu", WORKLOAD_EXIT_USAGE);
	if (bench_port_open(&err) < 0 || bench_ready(&err) < 0)
		return workload_fail(&err, "cpu", WORKLOAD_EXIT_FAIL);
	t0 = clock_mono_ns();
	sum = cpu_kernel_run(a.iter);
	t1 = clock_mono_ns();
	if (bench_report(&err, "elapsed_ns", "%" PRIu64, t1 - t0) < 0 ||
	    bench_report(&err, "checksum", "%016" PRIx64, sum) < 0)
		return workload_fail(&err, "cpu", WORKLOAD_EXIT_FAIL);
	bench_exit(0);
}
