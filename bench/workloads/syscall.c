/* syscall [N]: N getppid() system calls; REPORT ns_per_call. */
#include <inttypes.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "clock.h"
#include "workload_main.h"

int syscall_main(int argc, char **argv)
{
	struct iso_err err = {0};
	struct syscall_args a;
	uint64_t t0, t1;

	if (workload_args_syscall(argc, argv, &a, &err) < 0)
		return workload_fail(&err, "syscall", WORKLOAD_EXIT_USAGE);
	if (bench_port_open(&err) < 0 || bench_ready(&err) < 0)
		return workload_fail(&err, "syscall", WORKLOAD_EXIT_FAIL);
	t0 = clock_mono_ns();
	/* syscall(), not getppid(): a real kernel entry every time, whatever
	 * the libc caches. */
	for (uint64_t i = 0; i < a.calls; i++)
		syscall(SYS_getppid);
	t1 = clock_mono_ns();
	if (bench_report(&err, "calls", "%" PRIu64, a.calls) < 0 ||
	    bench_report(&err, "ns_per_call", "%.2f", (double)(t1 - t0) / (double)a.calls) < 0)
		return workload_fail(&err, "syscall", WORKLOAD_EXIT_FAIL);
	bench_exit(0);
}
