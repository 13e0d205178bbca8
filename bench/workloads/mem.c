/* mem MIB [--hold SECONDS]: touch MIB MiB, REPORT rss_kib, READY, then
 * hold until SIGTERM or SECONDS elapse (no --hold: exit at once). */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <unistd.h>
#include <sys/mman.h>

#include "clock.h"
#include "proc_self.h"
#include "workload_main.h"

/* Write one byte in every page so each is backed by its own frame (a read
 * would map the shared zero page). */
static int touch(uint64_t mib, struct iso_err *err)
{
	size_t len = (size_t)mib << 20, page = (size_t)sysconf(_SC_PAGESIZE);
	volatile uint8_t *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return iso_err_set(err, -errno, "mmap %llu MiB", (unsigned long long)mib);
	for (size_t off = 0; off < len; off += page)
		p[off] = 1;
	return 0;
}

/* Wait for SIGTERM/SIGINT (blocked by the caller) or until `seconds`
 * have passed, whichever comes first. */
static void hold(double seconds)
{
	uint64_t end = clock_mono_ns() + (uint64_t)(seconds * 1e9);
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	for (uint64_t now = clock_mono_ns(); now < end; now = clock_mono_ns()) {
		struct timespec ts = {.tv_sec = (time_t)((end - now) / 1000000000u),
				      .tv_nsec = (long)((end - now) % 1000000000u)};

		if (sigtimedwait(&set, NULL, &ts) >= 0 || errno != EINTR)
			return;
	}
}

int mem_main(int argc, char **argv)
{
	struct iso_err err = {0};
	struct mem_args a;
	sigset_t set;
	uint64_t rss_kib;

	if (workload_args_mem(argc, argv, &a, &err) < 0)
		return workload_fail(&err, "mem", WORKLOAD_EXIT_USAGE);
	/* Blocked before READY: a stop request may come right after it. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (bench_port_open(&err) < 0 || touch(a.mib, &err) < 0 ||
	    proc_self_rss_kib(&rss_kib, &err) < 0 ||
	    bench_report(&err, "rss_kib", "%llu", (unsigned long long)rss_kib) < 0 ||
	    bench_ready(&err) < 0)
		return workload_fail(&err, "mem", WORKLOAD_EXIT_FAIL);
	if (a.hold_s > 0)
		hold(a.hold_s);
	bench_exit(0);
}
