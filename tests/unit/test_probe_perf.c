/* perf counters of an instance (harness/probe_perf.h): a read while the
 * instance runs counts the tasks it started and that still run, so the
 * harness can take the CPU time of start-up at READY (net.cpu_s_per_gb).
 * The instance here is this program re-executed as "spin": a thread that
 * burns SPIN_CPU_MS of its own CPU time, says so on fd 3, then waits. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "probe_perf.h"

#define SPIN_CPU_MS 200
#define DONE_FD	    3

static double thread_cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void *spin(void *arg)
{
	double t0 = thread_cpu_ms();

	while (thread_cpu_ms() - t0 < SPIN_CPU_MS)
		;
	if (write(DONE_FD, "d", 1) != 1)
		_exit(1);
	return arg;
}

/* The instance: its main thread only waits (it is killed at the end). */
static int spin_main(void)
{
	pthread_t th;

	if (pthread_create(&th, NULL, spin, NULL) != 0)
		return 1;
	pthread_join(th, NULL);
	pause();
	return 0;
}

static void test_read_counts_running_threads(void **state)
{
	struct probe_perf p;
	int go[2], done[2], status;
	double ms = -1;
	char c = 0;
	pid_t pid;

	(void)state;
	if (probe_perf_init(NULL) < 0)
		skip();
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(done), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* Held until the counters are open, as the harness does. */
		if (read(go[0], &c, 1) != 1 || dup2(done[1], DONE_FD) < 0)
			_exit(1);
		execl("/proc/self/exe", "test_probe_perf", "spin", (char *)NULL);
		_exit(127);
	}
	close(go[0]);
	close(done[1]);
	if (probe_perf_open(&p, pid) == 0 || p.fd[PROBE_PERF_TASK_CLOCK] < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		skip(); /* no software counters on this host */
	}
	assert_int_equal(write(go[1], "g", 1), 1);
	assert_int_equal(read(done[0], &c, 1), 1);
	/* The spinning thread still exists (it is joined, the process
	 * waits): its time must be in the read. */
	assert_int_equal(probe_perf_read(&p, PROBE_PERF_TASK_CLOCK, &ms), 0);
	assert_true(ms >= SPIN_CPU_MS);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	probe_perf_close(&p);
	assert_int_equal(probe_perf_read(&p, PROBE_PERF_TASK_CLOCK, &ms), -ENODATA);
	close(go[1]);
	close(done[0]);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_counts_running_threads),
	};

	if (argc == 2 && !strcmp(argv[1], "spin"))
		return spin_main();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
