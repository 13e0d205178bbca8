/* The monitor: builds a container (state, cgroup, clone3, veth), forwards
 * its bench port events, and tears everything down on every path.
 *
 * Construction order (each step undone by run_teardown()):
 *   signals -> rootfs check -> netns/bridge lookup -> network namespace
 *   thread (netns_start; after the state dir with a veth) -> run state
 *   dir -> cgroup -> pipes -> clone3 (into the v2 cgroup; the child joins
 *   the v1 ones itself) -> id maps -> join the thread (or, in a user
 *   namespace, the veth) -> "go" -> event loop -> reap -> OOM check. */
#include "ctr.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/sched.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "clock.h"
#include "ctr_child.h"
#include "ctr_clone.h"
#include "ctr_mount.h"
#include "ctr_net.h"
#include "port_reader.h"
#include "port_wire.h"

/* Pipe ends go above the descriptors the child rearranges (0-3). */
#define CTR_FD_FLOOR 10
/* The child's stack while it shares the monitor's memory (spawn_sharing()):
 * its deepest frames are a few kilobytes of paths and messages. */
#define CTR_CHILD_STACK (256 * 1024)

/* See netns_start(). */
struct netns_task {
	pthread_t thread;
	bool started;
	uint64_t t_veth, t_done; /* when the veth, and all, were in place */
	int r;
	enum ctr_exit cls;
	struct iso_err err;
};

struct run {
	const struct ctr_config *cfg;
	char rid[RUNID_BUF];
	char hostname[CTR_HOST_MAX];
	bool own_state;
	struct cgroup cg;
	bool cg_made;
	struct ctr_net net;
	sigset_t oldmask;
	int sigfd;
	int pidfd;
	pid_t pid;
	bool reaped;
	int port_rd, status_rd;
	int sync_rd, sync_wr; /* the child's "go" (ctr_child.h), made before it */
	struct netns_task netns;
	int netns_fd; /* the container's, made by netns_start(), until sent */
	int events_fd;
	struct port_reader reader;
	bool exit_seen;
	struct bench_event exit_ev; /* held back so that EXIT is the last line */
	struct ctr_record child_err;
	bool child_failed;
};

static void emit(struct run *run, enum bench_msg_type type, const char *key, const char *value,
		 int status, uint64_t t_ns)
{
	struct bench_event ev = {.t_ns = t_ns, .msg = {.type = type, .status = status}};

	if (run->events_fd < 0)
		return;
	snprintf(ev.msg.key, sizeof(ev.msg.key), "%s", key ? key : "");
	snprintf(ev.msg.value, sizeof(ev.msg.value), "%s", value ? value : "");
	/* A harness that stopped reading must not stop the container. */
	bench_event_write(run->events_fd, &ev, NULL);
}

static void emit_phase(struct run *run, const char *name, uint64_t t_ns)
{
	emit(run, BENCH_MSG_PHASE, name, NULL, 0, t_ns);
}

static int on_port_event(void *ctx, const struct bench_event *ev, struct iso_err *err)
{
	struct run *run = ctx;

	(void)err;
	if (ev->msg.type == BENCH_MSG_EXIT) {
		run->exit_seen = true;
		run->exit_ev = *ev;
		return 0;
	}
	if (run->events_fd >= 0)
		bench_event_write(run->events_fd, ev, NULL);
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* A pipe, or a socket pair where a descriptor must pass, whose ends sit at
 * CTR_FD_FLOOR or above, all close-on-exec. */
static int make_pair(int ends[2], bool sock, struct iso_err *err)
{
	const char *what = sock ? "socketpair" : "pipe";
	int p[2], r;

	r = sock ? socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, p) : pipe2(p, O_CLOEXEC);
	if (r < 0)
		return iso_err_set(err, -errno, "%s", what);
	for (int i = 0; i < 2; i++) {
		ends[i] = fcntl(p[i], F_DUPFD_CLOEXEC, CTR_FD_FLOOR);
		close(p[i]);
	}
	if (ends[0] < 0 || ends[1] < 0) {
		close_fd(&ends[0]);
		close_fd(&ends[1]);
		return iso_err_set(err, -EMFILE, "%s: move descriptors", what);
	}
	return 0;
}

static int write_text(const char *path, const char *text, struct iso_err *err)
{
	cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t len = strlen(text);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len)
		return iso_err_set(err, -errno, "write %s", path);
	return 0;
}

/* Rootless without limits needs no cgroup (and usually may not). */
static bool wants_cgroup(const struct ctr_config *cfg)
{
	bool rootless = (cfg->namespaces & CTR_NS_USER) && geteuid() != 0;
	bool no_limits = !cfg->memory_mib && !cfg->pids_max && !cfg->cpu_quota_us;

	return !cfg->no_cgroup && !(rootless && no_limits);
}

static int state_open(struct run *run, enum ctr_exit *cls, struct iso_err *err)
{
	int r;

	*cls = CTR_EXIT_RUNTIME;
	if (run->cfg->rid[0]) {
		memcpy(run->rid, run->cfg->rid, RUNID_BUF);
	} else if ((r = runid_generate(run->rid, err)) < 0) {
		return r;
	}
	/* The owner record tells the sweeper which cgroup or veth is still
	 * in use; a run that makes neither leaves nothing to sweep (its
	 * namespaces and mounts die with its processes) and needs none. */
	if (!wants_cgroup(run->cfg) && !run->cfg->netns)
		return 0;
	/* A run id given by a harness may already have its state dir and
	 * owner; then the run stays theirs. Two containers of one run are
	 * told apart by name, which their cgroup directories enforce. */
	r = runid_state_create(NULL, run->rid, getpid(), err);
	if (r == 0)
		run->own_state = true;
	else if (r != -EEXIST || !run->cfg->rid[0])
		return r;
	return 0;
}

static int cgroup_open(struct run *run, enum ctr_exit *cls, struct iso_err *err)
{
	const struct ctr_config *cfg = run->cfg;
	struct cgroup_limits lim = {
		.memory_mib = cfg->memory_mib,
		.pids_max = cfg->pids_max,
		.cpu_quota_us = cfg->cpu_quota_us,
		.cpu_period_us = cfg->cpu_period_us,
	};
	struct cgroup_hosts hosts = {.layout = CGROUP_LAYOUT_NONE};
	char leaf[RUNID_BUF + CTR_NAME_MAX + 1];
	bool wanted = wants_cgroup(cfg);
	int r;

	if (wanted)
		cgroup_detect(CGROUP_ROOT, &hosts);
	snprintf(leaf, sizeof(leaf), "%s-%s", run->rid, cfg->name);
	r = cgroup_create(&run->cg, &hosts, leaf, &lim, !wanted, err);
	if (r < 0) {
		*cls = r == -EINVAL || r == -ERANGE ? CTR_EXIT_LIMIT
		       : r == -EEXIST		    ? CTR_EXIT_USAGE /* name in use */
						    : CTR_EXIT_CGROUP;
		return r;
	}
	run->cg_made = true;
	return 0;
}

static int write_id_maps(pid_t pid, struct iso_err *err)
{
	char path[64], map[64];
	int r;

	/* user_namespaces(7): setgroups must be denied before an unprivileged
	 * writer may set gid_map; map container root to the caller. */
	snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)pid);
	if ((r = write_text(path, "deny", err)) < 0)
		return r;
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)geteuid());
	if ((r = write_text(path, map, err)) < 0)
		return r;
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)getegid());
	return write_text(path, map, err);
}

static bool has_v1_dirs(const struct cgroup *cg)
{
	for (size_t i = 0; i < cg->ndirs; i++)
		if (cg->dirs[i].version == 1)
			return true;
	return false;
}

/* The network namespace, the largest single cost of a start, is made by
 * the monitor while the child mounts, unless a user namespace must own it
 * (then clone3 makes it, in the child's user namespace). */
static bool netns_by_monitor(const struct ctr_config *cfg)
{
	return (cfg->namespaces & CTR_NS_NET) && !(cfg->namespaces & CTR_NS_USER);
}

static unsigned long long clone_flags(const struct run *run)
{
	unsigned int ns = run->cfg->namespaces;
	unsigned long long f = CLONE_PIDFD;

	f |= ns & CTR_NS_PID ? CLONE_NEWPID : 0;
	f |= ns & CTR_NS_MOUNT ? CLONE_NEWNS : 0;
	f |= (ns & CTR_NS_NET) && !netns_by_monitor(run->cfg) ? CLONE_NEWNET : 0;
	f |= ns & CTR_NS_UTS ? CLONE_NEWUTS : 0;
	f |= ns & CTR_NS_IPC ? CLONE_NEWIPC : 0;
	f |= ns & CTR_NS_USER ? CLONE_NEWUSER : 0;
	/* With the process born in its v2 cgroup the cgroup namespace can be
	 * made right here; v1 membership comes later (ctr_child.c). */
	if ((ns & CTR_NS_CGROUP) && !has_v1_dirs(&run->cg))
		f |= CLONE_NEWCGROUP;
	if (run->cg.clone_fd >= 0)
		f |= CLONE_INTO_CGROUP;
	return f;
}

/* With the network thread sending the child both its messages, the main
 * thread has nothing to do between clone3 and the child's execve: the
 * child then shares its memory (and runs on a stack of its own) while it
 * waits, suspended, as posix_spawn() does. No copy of the monitor's page
 * tables, no copy-on-write faults on either side, no copy to tear down at
 * execve. */
static bool shares_memory(const struct ctr_config *cfg)
{
	return netns_by_monitor(cfg);
}

static int child_entry(void *launch)
{
	ctr_child_main(launch);
}

/* The child on a stack of its own, with a guard page below it; returns
 * its pid or a negative errno. */
static long spawn_sharing(struct clone_args *ca, struct ctr_launch *l)
{
	size_t guard = (size_t)sysconf(_SC_PAGESIZE);
	char *map = mmap(NULL, guard + CTR_CHILD_STACK, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	long pid;

	if (map == MAP_FAILED)
		return -errno;
	if (mprotect(map, guard, PROT_NONE) < 0) {
		pid = -errno;
	} else {
		ca->flags |= CLONE_VM | CLONE_VFORK;
		ca->stack = (uint64_t)(uintptr_t)(map + guard);
		ca->stack_size = CTR_CHILD_STACK;
		pid = ctr_clone3_vm(ca, child_entry, l);
	}
	munmap(map, guard + CTR_CHILD_STACK);
	return pid;
}

static int spawn(struct run *run, struct iso_err *err)
{
	int port[2] = {-1, -1}, status[2] = {-1, -1};
	struct ctr_launch l = {
		.cfg = run->cfg,
		.hostname = run->hostname,
		.cg = &run->cg,
		.cgroupns_late = has_v1_dirs(&run->cg),
		.userns = run->cfg->namespaces & CTR_NS_USER,
		.netns_by_monitor = netns_by_monitor(run->cfg),
		.sigmask = run->oldmask,
	};
	struct clone_args ca = {
		.pidfd = (uint64_t)(uintptr_t)&run->pidfd,
		.exit_signal = SIGCHLD,
		.cgroup = run->cg.clone_fd >= 0 ? (uint64_t)run->cg.clone_fd : 0,
	};
	long pid;
	int r;

	if ((r = make_pair(port, false, err)) < 0 || (r = make_pair(status, false, err)) < 0)
		goto out;
	l.port_wr = port[1];
	l.sync_rd = run->sync_rd;
	l.status_wr = status[1];
	l.monitor_fds[0] = port[0];
	l.monitor_fds[1] = run->sync_wr;
	l.monitor_fds[2] = status[0];
	ca.flags = clone_flags(run);
	pid = shares_memory(run->cfg) ? spawn_sharing(&ca, &l) : -ENOSYS;
	if (pid == -ENOSYS) {
		ca.flags &= ~(CLONE_VM | CLONE_VFORK);
		pid = syscall(SYS_clone3, &ca, sizeof(ca));
		if (pid < 0)
			pid = -errno;
		else if (pid == 0)
			ctr_child_main(&l);
	}
	if (pid < 0) {
		r = iso_err_set(err, (int)pid, "clone3");
		goto out;
	}
	run->pid = (pid_t)pid;
	run->port_rd = steal_fd(&port[0]);
	close_fd(&run->sync_rd);
	run->status_rd = steal_fd(&status[0]);
	fcntl(run->port_rd, F_SETFL, O_NONBLOCK);
	r = 0;
out:
	for (int i = 0; i < 2; i++) {
		close_fd(&port[i]);
		close_fd(&status[i]);
	}
	return r;
}

/* One message to the child (ctr_child.h), carrying `fd` when >= 0. */
static int send_msg(int sock, enum ctr_msg kind, int fd, struct iso_err *err)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl = {0};
	char byte = (char)kind;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};

	if (fd >= 0) {
		struct cmsghdr *c;
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) == 1)
		return 0;
	/* A child that is gone said why on the status pipe (or was killed):
	 * its end is what the monitor reports. */
	if (errno == EPIPE || errno == ECONNRESET)
		return 0;
	return iso_err_set(err, -errno, "message to the container");
}

static int netns_work(struct run *run)
{
	struct netns_task *t = &run->netns;
	const struct ctr_config *cfg = run->cfg;
	int r;

	t->cls = CTR_EXIT_RUNTIME;
	if ((r = ctr_net_new_ns(&run->netns_fd, &t->err)) < 0 ||
	    (r = send_msg(run->sync_wr, CTR_MSG_NETNS, run->netns_fd, &t->err)) < 0)
		return r;
	t->cls = CTR_EXIT_NET;
	if (cfg->netns) {
		if ((r = ctr_net_add_veth(&run->net, run->rid, run->netns_fd, &t->err)) < 0)
			return r;
		t->t_veth = clock_mono_ns();
	}
	if ((r = ctr_net_configure(cfg->ip, cfg->gw, &t->err)) < 0)
		return r;
	t->t_done = clock_mono_ns();
	/* Nothing else holds the child back (id maps are for user
	 * namespaces, where there is no thread): "go" from here, not through
	 * a wake-up of the main thread first. */
	t->cls = CTR_EXIT_RUNTIME;
	return send_msg(run->sync_wr, CTR_MSG_GO, -1, &t->err);
}

static void *netns_main(void *arg)
{
	struct run *run = arg;

	run->netns.r = netns_work(run);
	/* A child left waiting for a message would wait for good, and with
	 * it the main thread, suspended while the child shares its memory:
	 * EOF ends the child (ctr_child.c), the error is reported here. */
	if (run->netns.r < 0)
		shutdown(run->sync_wr, SHUT_WR);
	return NULL;
}

/* The container's network namespace is made by a thread of the monitor
 * while the main thread makes the cgroup and the child and the child
 * mounts: it is the largest single cost of a start. Only the thread moves
 * into it. It hands it to the child as soon as it exists, creates the
 * veth's inner end in place, brings lo up, sets the address and route and
 * says "go" while the child finishes its set-up. It starts on another CPU
 * than the main thread's: a scheduler that packs a new task next to its
 * creator would run the two in turn. Until netns_join(), run->net and
 * run->netns_fd are the thread's, and it may send on run->sync_wr. */
static int netns_start(struct run *run, struct iso_err *err)
{
	pthread_attr_t attr;
	cpu_set_t others;
	int cpu = sched_getcpu(), r;

	if ((r = pthread_attr_init(&attr)) != 0)
		return iso_err_set(err, -r, "thread attributes");
	if (cpu >= 0 && sched_getaffinity(0, sizeof(others), &others) == 0) {
		CPU_CLR(cpu, &others);
		if (CPU_COUNT(&others) > 0)
			pthread_attr_setaffinity_np(&attr, sizeof(others), &others);
	}
	r = pthread_create(&run->netns.thread, &attr, netns_main, run);
	pthread_attr_destroy(&attr);
	if (r != 0)
		return iso_err_set(err, -r, "network namespace thread");
	run->netns.started = true;
	return 0;
}

static int netns_join(struct run *run, enum ctr_exit *cls, struct iso_err *err)
{
	struct netns_task *t = &run->netns;

	if (!t->started)
		return 0;
	pthread_join(t->thread, NULL);
	t->started = false;
	close_fd(&run->netns_fd);
	if (t->r < 0) {
		*cls = t->cls;
		*err = t->err;
		return t->r;
	}
	if (t->t_veth)
		emit_phase(run, "net", t->t_veth);
	emit_phase(run, "netns", t->t_done);
	return 0;
}

/* The veth into a namespace clone3 made (in a user namespace). */
static int network_attach(struct run *run, struct iso_err *err)
{
	char path[64];
	cleanup_close int ns = -1;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)run->pid);
	ns = open(path, O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		return iso_err_set(err, -errno, "open %s", path);
	return ctr_net_add_veth(&run->net, run->rid, ns, err);
}

/* Everything between clone3 and the child's execve on the monitor side. */
static int prepare_child(struct run *run, enum ctr_exit *cls, struct iso_err *err)
{
	const struct ctr_config *cfg = run->cfg;
	int r;

	*cls = CTR_EXIT_RUNTIME;
	if ((cfg->namespaces & CTR_NS_USER) && (r = write_id_maps(run->pid, err)) < 0)
		return r;
	if ((r = netns_join(run, cls, err)) < 0)
		return r;
	if (!netns_by_monitor(cfg)) { /* else the thread released it */
		if (cfg->netns) {
			*cls = CTR_EXIT_NET;
			if ((r = network_attach(run, err)) < 0)
				return r;
			emit_phase(run, "net", clock_mono_ns());
		}
		*cls = CTR_EXIT_RUNTIME;
		if ((r = send_msg(run->sync_wr, CTR_MSG_GO, -1, err)) < 0)
			return r;
	}
	close_fd(&run->sync_wr);
	return 0;
}

/* After the reap every writer of the status pipe is gone: read all of it,
 * several records a read (each was written whole, so reads of whole
 * records return whole records). */
static void read_status(struct run *run)
{
	struct ctr_record recs[8];
	ssize_t n;

	while ((n = read(run->status_rd, recs, sizeof(recs))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (size_t i = 0; i < (size_t)n / sizeof(recs[0]); i++) {
			struct ctr_record *rec = &recs[i];
			rec->phase[sizeof(rec->phase) - 1] = '\0';
			if (rec->kind == CTR_RECORD_PHASE) {
				emit_phase(run, rec->phase, rec->t_ns);
			} else if (rec->kind == CTR_RECORD_ERROR && !run->child_failed) {
				rec->err.msg[sizeof(rec->err.msg) - 1] = '\0';
				run->child_err = *rec;
				run->child_failed = true;
			}
		}
	}
	close_fd(&run->status_rd);
}

static void reap(struct run *run, int *status)
{
	siginfo_t si = {0};

	run->reaped = true;
	if (waitid((idtype_t)P_PIDFD, (id_t)run->pidfd, &si, WEXITED) < 0) {
		*status = CTR_EXIT_RUNTIME; /* cannot happen for our own child */
		return;
	}
	*status = si.si_code == CLD_EXITED ? si.si_status : 128 + si.si_status;
}

/* Until the container's init is reaped and its bench port shows EOF.
 * The status pipe is read only once the init is reaped: its records are
 * stamped where they happened, and a monitor woken by each of them would
 * take the CPU from the container in the middle of its set-up. */
static void event_loop(struct run *run, struct ctr_result *res)
{
	struct iso_err err = {0};

	while (!run->reaped || run->port_rd >= 0) {
		struct pollfd p[3] = {
			{.fd = run->sigfd, .events = POLLIN},
			{.fd = run->reaped ? -1 : run->pidfd, .events = POLLIN},
			{.fd = run->port_rd, .events = POLLIN},
		};
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents & POLLIN) {
			struct signalfd_siginfo ssi;
			if (read(run->sigfd, &ssi, sizeof(ssi)) == sizeof(ssi) &&
			    ssi.ssi_signo != SIGCHLD && !res->signal) {
				res->signal = (int)ssi.ssi_signo;
				/* Killing the PID namespace's init kills it all. */
				syscall(SYS_pidfd_send_signal, run->pidfd, SIGKILL, NULL, 0);
			}
		}
		if (p[2].revents) {
			long n = port_reader_read(&run->reader, run->port_rd, &err);
			if (n == 0 || (n < 0 && n != -EAGAIN && n != -EINTR))
				close_fd(&run->port_rd);
		}
		if (p[1].revents) {
			reap(run, &res->status);
			read_status(run);
		}
	}
}

static void run_teardown(struct run *run)
{
	if (run->pid > 0 && !run->reaped) {
		int status;
		syscall(SYS_pidfd_send_signal, run->pidfd, SIGKILL, NULL, 0);
		reap(run, &status);
	}
	close_fd(&run->pidfd);
	netns_join(run, &(enum ctr_exit){0}, &(struct iso_err){0});
	close_fd(&run->port_rd);
	close_fd(&run->status_rd);
	close_fd(&run->sync_rd);
	close_fd(&run->sync_wr);
	close_fd(&run->netns_fd);
	ctr_net_close(&run->net);
	if (run->cg_made)
		cgroup_destroy(&run->cg);
	run->cg_made = false;
	if (run->own_state)
		runid_state_remove(NULL, run->rid, NULL);
	run->own_state = false;
	close_fd(&run->sigfd);
	sigprocmask(SIG_SETMASK, &run->oldmask, NULL);
}

static int run_build(struct run *run, struct ctr_result *res, enum ctr_exit *cls,
		     struct iso_err *err)
{
	const struct ctr_config *cfg = run->cfg;
	sigset_t mask;
	int sync[2], r;

	/* Signals are read from a signalfd in the loop, never handled
	 * asynchronously; one arriving during set-up waits there. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGCHLD);
	*cls = CTR_EXIT_RUNTIME;
	if (sigprocmask(SIG_BLOCK, &mask, &run->oldmask) < 0)
		return iso_err_set(err, -errno, "block signals");
	run->sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (run->sigfd < 0)
		return iso_err_set(err, -errno, "signalfd");
	*cls = CTR_EXIT_ROOTFS;
	if ((r = ctr_mount_check_rootfs(cfg->rootfs, err)) < 0)
		return r;
	if (cfg->netns && (r = ctr_net_open(&run->net, cfg->netns, cfg->bridge, cls, err)) < 0)
		return r;
	*cls = CTR_EXIT_RUNTIME;
	if ((r = make_pair(sync, true, err)) < 0)
		return r;
	run->sync_rd = sync[0];
	run->sync_wr = sync[1];
	/* The thread needs the run id and its state only for a veth; without
	 * one it starts before them (a state dir and a cgroup take a
	 * millisecond or more). */
	if (netns_by_monitor(cfg) && !cfg->netns && (r = netns_start(run, err)) < 0)
		return r;
	if ((r = state_open(run, cls, err)) < 0)
		return r;
	*cls = CTR_EXIT_RUNTIME;
	if (netns_by_monitor(cfg) && cfg->netns && (r = netns_start(run, err)) < 0)
		return r;
	memcpy(res->rid, run->rid, RUNID_BUF);
	if (cfg->hostname[0])
		snprintf(run->hostname, sizeof(run->hostname), "%s", cfg->hostname);
	else
		snprintf(run->hostname, sizeof(run->hostname), "%s-%s", cfg->name, run->rid);
	if ((r = cgroup_open(run, cls, err)) < 0)
		return r;
	*cls = CTR_EXIT_RUNTIME;
	if ((r = spawn(run, err)) < 0)
		return r;
	return prepare_child(run, cls, err);
}

int ctr_run(const struct ctr_config *cfg, struct ctr_result *res, enum ctr_exit *cls,
	    struct iso_err *err)
{
	struct run run = {
		.cfg = cfg,
		.sigfd = -1,
		.pidfd = -1,
		.port_rd = -1,
		.status_rd = -1,
		.sync_rd = -1,
		.sync_wr = -1,
		.netns_fd = -1,
		.events_fd = cfg->events_fd >= 0  ? cfg->events_fd
			     : cfg->events_stderr ? 2
						  : -1,
	};
	int r;

	memset(res, 0, sizeof(*res));
	run.net.ns_fd = -1;
	run.cg.clone_fd = -1;
	port_reader_init(&run.reader, on_port_event, &run, NULL, NULL);
	r = run_build(&run, res, cls, err);
	if (r == 0) {
		event_loop(&run, res);
		port_reader_finish(&run.reader, NULL);
		res->rejected = run.reader.rejected;
		res->first_reject = run.reader.first_reject;
	}
	if (r == 0 && run.child_failed) {
		*cls = run.child_err.cls;
		*err = run.child_err.err;
		r = err->code ? err->code : -EIO;
	}
	if (r == 0) {
		if (cfg->memory_mib && cgroup_oom_kills(&run.cg, &res->oom_kills, NULL) == 0 &&
		    res->oom_kills > 0) {
			char n[24];
			res->oom = true;
			res->status = CTR_EXIT_OOM;
			snprintf(n, sizeof(n), "%" PRIu64, res->oom_kills);
			emit(&run, BENCH_MSG_REPORT, "oom_kill", n, 0, clock_mono_ns());
		}
		if (res->signal)
			res->status = 128 + res->signal;
		/* The stream always ends with one EXIT: the init's (stamped when
		 * it arrived), or ours when the init was killed before sending. */
		if (run.exit_seen && run.events_fd >= 0)
			bench_event_write(run.events_fd, &run.exit_ev, NULL);
		else if (!run.exit_seen)
			emit(&run, BENCH_MSG_EXIT, NULL, NULL, res->status, clock_mono_ns());
	}
	run_teardown(&run);
	return r;
}
