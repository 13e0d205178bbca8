/* bench-sink: the far end of the net workloads, run in the sink namespace.
 * Serves stream and request/response sessions (one child process each, or
 * inline with --once) and exits by itself (sink_args.h). */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "cleanup.h"
#include "guest.h"
#include "clock.h"
#include "sink_args.h"
#include "sink_session.h"

/* Concurrent sessions; more connections wait in the listen backlog. */
#define SINK_SESSIONS_MAX 64

struct sink {
	pid_t kids[SINK_SESSIONS_MAX];
	int nkids;
};

static int sink_listen(const struct sockaddr_in *sa, struct iso_err *err)
{
	cleanup_close int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;

	if (fd < 0)
		return iso_err_set(err, -errno, "socket");
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0)
		return iso_err_set(err, -errno, "SO_REUSEADDR");
	if (bind(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0)
		return iso_err_set(err, -errno, "bind %s:%u", inet_ntoa(sa->sin_addr),
				   ntohs(sa->sin_port));
	if (listen(fd, SINK_SESSIONS_MAX) < 0)
		return iso_err_set(err, -errno, "listen");
	return steal_fd(&fd);
}

static void serve(int fd)
{
	struct iso_err err = {0};

	if (sink_session_serve(fd, &err) < 0)
		iso_err_print(&err, "bench-sink");
}

/* Forget finished sessions; with options 0, wait for all of them. */
static void reap(struct sink *s, int options)
{
	for (int i = 0; i < s->nkids;) {
		pid_t r = waitpid(s->kids[i], NULL, options);

		if (r < 0 && errno == EINTR)
			continue;
		/* Reaped, or not our child any more (ECHILD). */
		if (r == s->kids[i] || r < 0) {
			s->kids[i] = s->kids[--s->nkids];
			continue;
		}
		i++;
	}
}

static int session_fork(struct sink *s, int lfd, int cfd, struct iso_err *err)
{
	pid_t pid;

	reap(s, WNOHANG);
	if (s->nkids == SINK_SESSIONS_MAX)
		return iso_err_input(err, -EBUSY, "%d sessions running: connection refused",
				     SINK_SESSIONS_MAX);
	pid = fork();
	if (pid < 0)
		return iso_err_set(err, -errno, "fork session");
	if (pid == 0) {
		/* However the sink ends (even killed), its sessions end too. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(lfd);
		serve(cfd);
		_exit(0);
	}
	s->kids[s->nkids++] = pid;
	return 0;
}

/* Accept and serve sessions until --max-seconds, or the first with --once. */
static void run(const struct sink_args *a, int lfd)
{
	uint64_t end = clock_mono_ns() + (uint64_t)(a->max_s * 1e9);
	struct pollfd pfd = {.fd = lfd, .events = POLLIN};
	struct sink s = {0};

	for (uint64_t now = clock_mono_ns(); now < end; now = clock_mono_ns()) {
		cleanup_close int cfd = -1;
		struct iso_err err = {0};
		int timeout_ms = (int)((end - now) / 1000000) + 1;

		if (poll(&pfd, 1, timeout_ms) <= 0)
			continue;
		cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (cfd < 0)
			continue;
		if (a->once) {
			serve(cfd);
			break;
		}
		if (session_fork(&s, lfd, cfd, &err) < 0)
			iso_err_print(&err, "bench-sink");
	}
	/* Time is up: no session outlives the sink. */
	for (int i = 0; i < s.nkids; i++)
		kill(s.kids[i], SIGTERM);
	reap(&s, 0);
}

int sink_main(int argc, char **argv)
{
	struct iso_err err = {0};
	struct sink_args a;
	cleanup_close int lfd = -1;

	if (sink_args_parse(argc, argv, &a, &err) < 0) {
		iso_err_print(&err, "bench-sink");
		return SINK_EXIT_USAGE;
	}
	signal(SIGPIPE, SIG_IGN);
	lfd = sink_listen(&a.listen, &err);
	if (lfd < 0) {
		iso_err_print(&err, "bench-sink");
		return SINK_EXIT_FAIL;
	}
	printf("bench-sink: listening on %s:%u\n", inet_ntoa(a.listen.sin_addr),
	       ntohs(a.listen.sin_port));
	fflush(stdout);
	run(&a, lfd);
	return 0;
}
