/* portcat: the simplest native runner. Runs CMD with BENCH_PORT=fd:3 on a
 * pipe and prints the bench port's event lines; exits with CMD's status. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "cleanup.h"
#include "port_reader.h"

/* The descriptor number the child sees its port on (BENCH_PORT=fd:3). */
#define PORTCAT_CHILD_FD   3
#define PORTCAT_EXIT_USAGE 2
#define PORTCAT_EXIT_FAIL  125

static volatile sig_atomic_t child_pid;

static void usage(void)
{
	fputs("usage: portcat [--events-fd N] -- CMD [ARGS...]\n", stderr);
}

/* SIGTERM/SIGINT to portcat stop the child; portcat then exits with its
 * status as usual. */
static void forward_signal(int sig)
{
	if (child_pid > 0)
		kill((pid_t)child_pid, sig);
}

static void print_reject(void *ctx, const struct iso_err *why)
{
	(void)ctx;
	fprintf(stderr, "portcat: %s\n", why->msg);
}

static int parse_args(int argc, char **argv, int *events_fd, int *cmd_idx)
{
	int i = 1;
	char *end;

	*events_fd = STDOUT_FILENO;
	if (i + 1 < argc && !strcmp(argv[i], "--events-fd")) {
		long n = strtol(argv[i + 1], &end, 10);
		if (*argv[i + 1] == '\0' || *end || n < 0 || n > 65535) {
			fprintf(stderr, "portcat: --events-fd: bad descriptor '%s'\n", argv[i + 1]);
			return -1;
		}
		*events_fd = (int)n;
		i += 2;
	}
	if (i >= argc || strcmp(argv[i], "--") != 0 || i + 1 >= argc) {
		usage();
		return -1;
	}
	*cmd_idx = i + 1;
	return 0;
}

/* Child: the pipe's write end becomes fd 3 (without O_CLOEXEC), then exec. */
static _Noreturn void run_child(int wfd, char **cmd)
{
	if (wfd == PORTCAT_CHILD_FD) {
		if (fcntl(wfd, F_SETFD, 0) < 0)
			_exit(PORTCAT_EXIT_FAIL);
	} else if (dup2(wfd, PORTCAT_CHILD_FD) < 0) {
		_exit(PORTCAT_EXIT_FAIL);
	}
	if (setenv(BENCH_PORT_ENV, "fd:3", 1) < 0)
		_exit(PORTCAT_EXIT_FAIL);
	execvp(cmd[0], cmd);
	fprintf(stderr, "portcat: exec %s: %s\n", cmd[0], strerror(errno));
	_exit(127);
}

/* Pump the port until every writer has closed it. */
static int pump(int rfd, int events_fd, struct iso_err *err)
{
	struct port_reader r;
	struct pollfd pfd = {.fd = rfd, .events = POLLIN};
	long n;

	port_reader_init(&r, port_reader_forward, &events_fd, print_reject, NULL);
	for (;;) {
		n = port_reader_read(&r, rfd, err);
		if (n == 0)
			break;
		if (n == -EAGAIN) {
			if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
				return iso_err_set(err, -errno, "poll port");
			continue;
		}
		if (n < 0)
			return (int)n;
	}
	/* A truncated last frame is rejected (and printed) by the reader. */
	port_reader_finish(&r, NULL);
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = forward_signal};
	struct iso_err err = {0};
	int fds[2], events_fd, cmd_idx, status;
	cleanup_close int rfd = -1;
	pid_t pid;

	if (parse_args(argc, argv, &events_fd, &cmd_idx) < 0)
		return PORTCAT_EXIT_USAGE;
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) < 0) {
		iso_err_set(&err, -errno, "pipe");
		iso_err_print(&err, "portcat");
		return PORTCAT_EXIT_FAIL;
	}
	rfd = fds[0];
	/* The child's end must block: workloads write without polling. */
	fcntl(fds[1], F_SETFL, 0);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	pid = fork();
	if (pid < 0) {
		iso_err_set(&err, -errno, "fork");
		iso_err_print(&err, "portcat");
		return PORTCAT_EXIT_FAIL;
	}
	if (pid == 0)
		run_child(fds[1], argv + cmd_idx);
	child_pid = pid;
	close(fds[1]);
	if (pump(rfd, events_fd, &err) < 0)
		iso_err_print(&err, "portcat");
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			iso_err_set(&err, -errno, "waitpid");
			iso_err_print(&err, "portcat");
			return PORTCAT_EXIT_FAIL;
		}
	}
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
