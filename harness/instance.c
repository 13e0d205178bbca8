/* Harness-owned launch of an instance, event collection, stop and reap. */
#include "instance.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_ctx.h"
#include "cleanup.h"
#include "clock.h"
#include "fsutil.h"

extern char **environ;

/* Descriptors handed to the child are moved at or above this number so
 * that placing the events pipe at cmd->child_fd (usually 3) never clobbers
 * one of them. */
#define LAUNCH_FD_MIN 10

/* After the launched process ended, a descendant may still hold the events
 * pipe; give it this long before the stream counts as ended. */
#define DRAIN_AFTER_EXIT_NS (2ull * 1000000000ull)

/* Steps of the child between fork and exec, reported through a pipe. */
enum launch_step {
	STEP_AFFINITY = 1,
	STEP_STDIO,
	STEP_EVENTS_FD,
	STEP_SYNC,
	STEP_SETNS,
	STEP_EXEC,
};

static const char *const launch_step_names[] = {
	[STEP_AFFINITY] = "pin to CPU",		  [STEP_STDIO] = "redirect stdio",
	[STEP_EVENTS_FD] = "place events fd",	  [STEP_SYNC] = "wait for counters",
	[STEP_SETNS] = "enter network namespace", [STEP_EXEC] = "exec",
};

struct launch_fds {
	int events_w, sync_r, sync_w, err_w, console, null, netns;
	int child_fd, cpu;
};

int instance_init(struct instance *inst, const struct backend *be, const struct bench_ctx *ctx,
		  unsigned int id, char *const *workload, struct iso_err *err)
{
	int n;

	memset(inst, 0, sizeof(*inst));
	inst->be = be;
	inst->ctx = ctx;
	inst->id = id;
	inst->workload = workload;
	inst->pidfd = -1;
	inst->events_fd = -1;
	inst->proc_status = -1;
	inst->ev.exit_status = -1;
	for (int i = 0; i < PROBE_PERF_COUNT; i++)
		inst->perf.fd[i] = -1;
	n = snprintf(inst->dir, sizeof(inst->dir), "%s/i%u", ctx->state_dir, id);
	if (n < 0 || (size_t)n >= sizeof(inst->dir))
		return iso_err_input(err, -ENAMETOOLONG, "instance %u: state path too long", id);
	if (mkdir(inst->dir, 0700) < 0 && errno != EEXIST)
		return iso_err_set(err, -errno, "instance %u: mkdir %s", id, inst->dir);
	return 0;
}

static int event_record(void *ctx, const struct bench_event *ev, struct iso_err *err)
{
	struct instance_events *e = ctx;

	(void)err;
	switch (ev->msg.type) {
	case BENCH_MSG_READY:
		if (!e->ready_ns)
			e->ready_ns = ev->t_ns;
		break;
	case BENCH_MSG_EXIT:
		e->exit_ns = ev->t_ns;
		e->exit_status = ev->msg.status;
		break;
	case BENCH_MSG_PHASE:
		if (e->nphases < INSTANCE_PHASES_MAX) {
			snprintf(e->phases[e->nphases].name, sizeof(e->phases[0].name), "%s",
				 ev->msg.key);
			e->phases[e->nphases++].t_ns = ev->t_ns;
		}
		break;
	case BENCH_MSG_REPORT:
		if (e->nreports < INSTANCE_REPORTS_MAX) {
			struct instance_report *r = &e->reports[e->nreports++];

			snprintf(r->key, sizeof(r->key), "%s", ev->msg.key);
			snprintf(r->value, sizeof(r->value), "%s", ev->msg.value);
		}
		break;
	}
	return 0;
}

static void event_reject(struct instance_events *e, const char *why)
{
	if (e->rejected++ == 0)
		snprintf(e->first_reject, sizeof(e->first_reject), "%s", why);
}

static void frames_reject(void *ctx, const struct iso_err *why)
{
	event_reject(ctx, why->msg);
}

/* Move `fd` to a number >= LAUNCH_FD_MIN, close-on-exec. */
static int fd_high(int fd)
{
	int hi;

	if (fd < 0 || fd >= LAUNCH_FD_MIN)
		return fd;
	hi = fcntl(fd, F_DUPFD_CLOEXEC, LAUNCH_FD_MIN);
	close(fd);
	return hi;
}

static void __attribute__((noreturn)) launch_fail(int err_w, enum launch_step step)
{
	int msg[2] = {(int)step, errno};

	if (write(err_w, msg, sizeof(msg)) < 0)
		_exit(126);
	_exit(127);
}

/* The child between fork and exec: only async-signal-safe calls. */
static void __attribute__((noreturn))
launch_child(const struct launch_fds *f, char *const *argv, char *const *envp)
{
	char c;

	setpgid(0, 0);
	if (f->cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(f->cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) < 0)
			launch_fail(f->err_w, STEP_AFFINITY);
	}
	if (dup2(f->null, 0) < 0 || dup2(f->console, 1) < 0 || dup2(f->console, 2) < 0)
		launch_fail(f->err_w, STEP_STDIO);
	if (f->events_w >= 0 && dup2(f->events_w, f->child_fd) < 0)
		launch_fail(f->err_w, STEP_EVENTS_FD);
	/* The parent opens the perf counters on us now; EOF (its end closed,
	 * ours too) lets us go. */
	close(f->sync_w);
	if (read(f->sync_r, &c, 1) != 0)
		launch_fail(f->err_w, STEP_SYNC);
	if (f->netns >= 0 && setns(f->netns, CLONE_NEWNET) < 0)
		launch_fail(f->err_w, STEP_SETNS);
	execve(argv[0], argv, envp);
	launch_fail(f->err_w, STEP_EXEC);
}

static int launch_envp(const struct launch_cmd *cmd, struct argv *envp, struct iso_err *err)
{
	int r;

	for (char **e = environ; *e; e++) {
		if (!strncmp(*e, BENCH_PORT_ENV "=", strlen(BENCH_PORT_ENV) + 1))
			continue;
		r = argv_add(envp, err, "%s", *e);
		if (r < 0)
			return r;
	}
	return cmd->env.len ? argv_add_all(envp, cmd->env.v, err) : 0;
}

static void launch_fds_close(struct launch_fds *f)
{
	int *fds[] = {&f->events_w, &f->sync_r, &f->sync_w, &f->err_w,
		      &f->console,  &f->null,	&f->netns};

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

static int launch_open(struct instance *inst, const struct launch_cmd *cmd, struct launch_fds *f,
		       int *events_r, struct iso_err *err)
{
	char path[PATH_MAX + 16];
	int p[2];

	if (cmd->events != EVENTS_NONE) {
		if (pipe2(p, O_CLOEXEC) < 0)
			return iso_err_set(err, -errno, "events pipe");
		*events_r = p[0];
		f->events_w = fd_high(p[1]);
		if (fcntl(*events_r, F_SETFL, O_NONBLOCK) < 0 || f->events_w < 0)
			return iso_err_set(err, -errno, "events pipe set-up");
	}
	snprintf(path, sizeof(path), "%s/console.log", inst->dir);
	f->console = fd_high(open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
	if (f->console < 0)
		return iso_err_set(err, -errno, "open %s", path);
	f->null = fd_high(open("/dev/null", O_RDONLY | O_CLOEXEC));
	if (f->null < 0)
		return iso_err_set(err, -errno, "open /dev/null");
	if (cmd->netns[0]) {
		f->netns = fd_high(open(cmd->netns, O_RDONLY | O_CLOEXEC));
		if (f->netns < 0)
			return iso_err_set(err, -errno, "open netns %s", cmd->netns);
	}
	return 0;
}

static int launch_process(struct instance *inst, const struct launch_cmd *cmd, struct iso_err *err)
{
	struct launch_fds f = {-1, -1, -1, -1, -1, -1, -1, cmd->child_fd, inst->ctx->instance_cpu};
	cleanup_close int events_r = -1;
	struct argv envp = {0};
	int sync[2], errp[2], msg[2], r;
	ssize_t n;

	r = launch_open(inst, cmd, &f, &events_r, err);
	if (r == 0)
		r = launch_envp(cmd, &envp, err);
	if (r < 0)
		goto out;
	if (pipe2(sync, O_CLOEXEC) < 0) {
		r = iso_err_set(err, -errno, "sync pipe");
		goto out;
	}
	f.sync_r = fd_high(sync[0]);
	f.sync_w = fd_high(sync[1]);
	if (pipe2(errp, O_CLOEXEC) < 0) {
		r = iso_err_set(err, -errno, "error pipe");
		goto out;
	}
	f.err_w = fd_high(errp[1]);
	/* DESIGN.md, startup: the launch call, before the process exists. */
	inst->t_launch_ns = clock_mono_ns();
	inst->pid = fork();
	if (inst->pid < 0) {
		close(errp[0]);
		r = iso_err_set(err, -errno, "fork");
		goto out;
	}
	if (inst->pid == 0)
		launch_child(&f, cmd->argv.v, envp.v);
	probe_perf_open(&inst->perf, inst->pid);
	launch_fds_close(&f); /* closes sync_w: the child goes on */
	do {
		n = read(errp[0], msg, sizeof(msg));
	} while (n < 0 && errno == EINTR);
	close(errp[0]);
	if (n == sizeof(msg)) {
		const char *step =
			msg[0] > 0 && msg[0] <= STEP_EXEC ? launch_step_names[msg[0]] : "set-up";

		waitpid(inst->pid, &inst->proc_status, 0);
		r = iso_err_set(err, -msg[1], "%s %s", step, cmd->argv.v[0]);
		goto out;
	}
	inst->pidfd = (int)syscall(SYS_pidfd_open, inst->pid, 0);
	if (inst->pidfd < 0) {
		r = iso_err_set(err, -errno, "pidfd_open %d", (int)inst->pid);
		goto out;
	}
	inst->events_fd = steal_fd(&events_r);
	inst->events = cmd->events;
	r = 0;
out:
	launch_fds_close(&f);
	argv_reset(&envp);
	return r;
}

int instance_launch(struct instance *inst, struct iso_err *err)
{
	struct launch_cmd cmd = {.child_fd = 3};
	int r;

	inst->prepared = 1;
	r = inst->be->prepare(inst, &cmd, err);
	if (r < 0) {
		launch_cmd_reset(&cmd);
		return iso_err_wrap(err, "%s: prepare", inst->be->name);
	}
	if (cmd.events == EVENTS_FRAMES)
		port_reader_init(&inst->reader, event_record, &inst->ev, frames_reject, &inst->ev);
	r = launch_process(inst, &cmd, err);
	launch_cmd_reset(&cmd);
	if (r < 0)
		return iso_err_wrap(err, "%s: launch", inst->be->name);
	return 0;
}

static void lines_feed(struct instance *inst, const char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		struct bench_event ev;
		struct iso_err perr = {0};

		if (buf[i] != '\n') {
			if (inst->line_len + 1 < sizeof(inst->line))
				inst->line[inst->line_len++] = buf[i];
			continue;
		}
		inst->line[inst->line_len] = '\0';
		inst->line_len = 0;
		if (bench_event_parse(inst->line, &ev, &perr) < 0)
			event_reject(&inst->ev, perr.msg);
		else
			event_record(&inst->ev, &ev, NULL);
	}
}

static void events_close(struct instance *inst)
{
	if (inst->events == EVENTS_FRAMES) {
		struct iso_err perr = {0};

		if (port_reader_finish(&inst->reader, &perr) < 0)
			event_reject(&inst->ev, perr.msg);
	}
	close(inst->events_fd);
	inst->events_fd = -1;
}

/* Read what is available; close the descriptor at end of stream. */
static int events_drain(struct instance *inst, struct iso_err *err)
{
	for (;;) {
		char buf[4096];
		ssize_t n;

		if (inst->events == EVENTS_FRAMES) {
			n = port_reader_read(&inst->reader, inst->events_fd, err);
			if (n == -EAGAIN)
				return 0;
		} else {
			n = read(inst->events_fd, buf, sizeof(buf));
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				return 0;
			if (n < 0)
				n = iso_err_set(err, -errno, "read events");
			else
				lines_feed(inst, buf, (size_t)n);
		}
		if (n < 0)
			return (int)n;
		if (n == 0) {
			events_close(inst);
			return 0;
		}
	}
}

static void proc_reap(struct instance *inst)
{
	if (inst->proc_status != -1 || inst->pid <= 0)
		return;
	if (waitpid(inst->pid, &inst->proc_status, WNOHANG) == inst->pid && inst->pidfd >= 0) {
		close(inst->pidfd);
		inst->pidfd = -1;
	}
}

static int reached(const struct instance *inst, enum bench_msg_type what)
{
	switch (what) {
	case BENCH_MSG_READY:
		return inst->ev.ready_ns != 0;
	case BENCH_MSG_EXIT:
		return inst->ev.exit_status >= 0;
	default: /* the process and its event stream ended */
		return inst->proc_status != -1 && inst->events_fd < 0;
	}
}

int instance_wait(struct instance *inst, enum bench_msg_type what, uint64_t deadline_ns,
		  struct iso_err *err)
{
	uint64_t ended_ns = 0;

	for (;;) {
		struct pollfd pfd[2];
		nfds_t n = 0;
		uint64_t now = clock_mono_ns();
		int r, timeout_ms;

		if (reached(inst, what))
			return 1;
		if (inst->proc_status != -1 && inst->events_fd < 0)
			return 0;
		if (inst->proc_status != -1 && !ended_ns)
			ended_ns = now;
		if (ended_ns && now - ended_ns > DRAIN_AFTER_EXIT_NS)
			return 0;
		if (now >= deadline_ns)
			return iso_err_input(err, -ETIMEDOUT, "%s: no %s within the time limit",
					     inst->be->name,
					     what == BENCH_MSG_READY  ? "READY"
					     : what == BENCH_MSG_EXIT ? "EXIT"
								      : "exit");
		if (inst->events_fd >= 0)
			pfd[n++] = (struct pollfd){.fd = inst->events_fd, .events = POLLIN};
		if (inst->pidfd >= 0)
			pfd[n++] = (struct pollfd){.fd = inst->pidfd, .events = POLLIN};
		timeout_ms = (int)((deadline_ns - now) / 1000000ull) + 1;
		if (ended_ns || n == 0)
			timeout_ms = 50;
		r = poll(pfd, n, timeout_ms);
		if (r < 0 && errno != EINTR)
			return iso_err_set(err, -errno, "poll events");
		/* Cancelling interrupts waits for events, never a stop: the
		 * instance must get the chance to clean up after itself. */
		if (what != INSTANCE_WAIT_ENDED && inst->ctx->cancel && *inst->ctx->cancel)
			return iso_err_input(err, -EINTR, "%s: interrupted", inst->be->name);
		if (inst->events_fd >= 0) {
			r = events_drain(inst, err);
			if (r < 0)
				return r;
		}
		proc_reap(inst);
	}
}

static void group_kill(const struct instance *inst, int sig)
{
	if (inst->pid <= 0 || inst->proc_status != -1)
		return;
	kill(-inst->pid, sig);
	kill(inst->pid, sig);
}

int instance_stop(struct instance *inst, uint64_t grace_ns, struct iso_err *err)
{
	struct iso_err werr = {0};
	int r;

	if (inst->pid <= 0 || reached(inst, INSTANCE_WAIT_ENDED))
		return 0;
	if (inst->proc_status == -1)
		kill(inst->pid, SIGTERM);
	r = instance_wait(inst, INSTANCE_WAIT_ENDED, clock_mono_ns() + grace_ns, &werr);
	if (r >= 0 && inst->proc_status != -1)
		return 0;
	group_kill(inst, SIGKILL);
	instance_wait(inst, INSTANCE_WAIT_ENDED, clock_mono_ns() + DRAIN_AFTER_EXIT_NS, &werr);
	return iso_err_input(err, -ETIMEDOUT, "%s: did not stop within %llu ms, killed",
			     inst->be->name, (unsigned long long)(grace_ns / 1000000ull));
}

void instance_destroy(struct instance *inst)
{
	if (!inst->be)
		return;
	if (inst->pid > 0 && inst->proc_status == -1) {
		group_kill(inst, SIGKILL);
		while (waitpid(inst->pid, &inst->proc_status, 0) < 0 && errno == EINTR)
			;
	}
	if (inst->pidfd >= 0)
		close(inst->pidfd);
	inst->pidfd = -1;
	if (inst->events_fd >= 0)
		close(inst->events_fd);
	inst->events_fd = -1;
	probe_perf_close(&inst->perf);
	if (inst->prepared && inst->be->cleanup)
		inst->be->cleanup(inst);
	inst->prepared = 0;
	if (inst->dir[0])
		fsutil_rm_tree(inst->dir, NULL);
	inst->dir[0] = '\0';
}

const char *instance_report(const struct instance *inst, const char *key)
{
	for (size_t i = 0; i < inst->ev.nreports; i++)
		if (!strcmp(inst->ev.reports[i].key, key))
			return inst->ev.reports[i].value;
	return NULL;
}
