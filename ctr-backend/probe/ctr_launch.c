/* ctr-launch PROGRAM [ARGS...]: one timed launch for `make bench-ctr` —
 * posix_spawn of PROGRAM (stdout and stderr to /dev/null, every other
 * descriptor inherited), wait4, then one line on stdout:
 *   <launch CLOCK_MONOTONIC ns> <reap ns> <user+system us> <exit status>
 * A small static launcher keeps the launcher's own cost (a Python
 * posix_spawn here: ~0.3 ms more per launch) out of every row alike. */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static unsigned long long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (unsigned long long)t.tv_sec * 1000000000ull + (unsigned long long)t.tv_nsec;
}

int main(int argc, char **argv)
{
	posix_spawn_file_actions_t fa;
	unsigned long long t0, t1;
	struct rusage ru;
	int r, status;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: ctr-launch PROGRAM [ARGS...]\n");
		return 2;
	}
	if ((r = posix_spawn_file_actions_init(&fa)) != 0 ||
	    (r = posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0)) != 0 ||
	    (r = posix_spawn_file_actions_adddup2(&fa, 1, 2)) != 0) {
		fprintf(stderr, "ctr-launch: file actions: %s\n", strerror(r));
		return 125;
	}
	t0 = now_ns();
	r = posix_spawn(&pid, argv[1], &fa, NULL, argv + 1, environ);
	if (r != 0) {
		fprintf(stderr, "ctr-launch: %s: %s\n", argv[1], strerror(r));
		return 125;
	}
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR) {
			fprintf(stderr, "ctr-launch: wait4: %s\n", strerror(errno));
			return 125;
		}
	t1 = now_ns();
	printf("%llu %llu %ld %d\n", t0, t1,
	       (long)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000L + ru.ru_utime.tv_usec +
		       ru.ru_stime.tv_usec,
	       WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	posix_spawn_file_actions_destroy(&fa);
	return 0;
}
