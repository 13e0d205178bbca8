/* Container side of a run: mounts, network, identity, privileges, execve. */
#include "ctr_child.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "ctr_caps.h"
#include "ctr_mount.h"
#include "ctr_net.h"
#include "port_wire.h"

#define CTR_PATH_DEFAULT "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static void send_record(int fd, const struct ctr_record *rec)
{
	ssize_t w;

	do {
		w = write(fd, rec, sizeof(*rec));
	} while (w < 0 && errno == EINTR);
}

static void phase(const struct ctr_launch *l, const char *name)
{
	struct ctr_record rec = {.kind = CTR_RECORD_PHASE, .t_ns = clock_mono_ns()};

	snprintf(rec.phase, sizeof(rec.phase), "%s", name);
	send_record(l->status_wr, &rec);
}

static _Noreturn void fail(const struct ctr_launch *l, enum ctr_exit cls, const struct iso_err *err)
{
	struct ctr_record rec = {.kind = CTR_RECORD_ERROR, .cls = cls, .err = *err};

	send_record(l->status_wr, &rec);
	_exit(cls);
}

/* Block for the monitor's next message, which must be `kind`; EOF means
 * it died, or its network thread failed and reports why: give up
 * quietly. Returns the descriptor it carried, or -1. */
static int wait_msg(const struct ctr_launch *l, enum ctr_msg kind)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	char got;
	struct iovec iov = {.iov_base = &got, .iov_len = 1};
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = ctl.buf,
		.msg_controllen = sizeof(ctl.buf),
	};
	struct cmsghdr *c;
	ssize_t n;
	int fd = -1;

	do {
		n = recvmsg(l->sync_rd, &msg, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n != 1 || got != (char)kind)
		_exit(CTR_EXIT_RUNTIME);
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

/* A step of the mounts: on failure, the record says so and the child ends. */
static void mounts_done(const struct ctr_launch *l, int r, struct iso_err *err)
{
	if (r < 0) {
		iso_err_wrap(err, "container mounts");
		fail(l, CTR_EXIT_RUNTIME, err);
	}
}

/* Into the network namespace the monitor made while the mounts above went
 * on; sysfs can only be mounted from inside it. */
static void join_netns(const struct ctr_launch *l, int fd)
{
	struct iso_err err = {0};

	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		iso_err_set(&err, fd < 0 ? -EBADF : -errno, "join the network namespace");
		fail(l, CTR_EXIT_RUNTIME, &err);
	}
	close(fd);
}

/* The program's environment: a fixed base, the bench port, then --env. */
static void build_env(const struct ctr_config *cfg, const char *hostname, char **envp,
		      char *host_var, size_t host_cap, char *port_var, size_t port_cap)
{
	size_t n = 0;

	snprintf(host_var, host_cap, "HOSTNAME=%s", hostname);
	snprintf(port_var, port_cap, "%s=fd:%d", BENCH_PORT_ENV, CTR_PORT_FD);
	envp[n++] = "PATH=" CTR_PATH_DEFAULT;
	envp[n++] = "HOME=/";
	envp[n++] = host_var;
	envp[n++] = port_var;
	for (size_t i = 0; i < cfg->nenv; i++)
		envp[n++] = (char *)cfg->env[i];
	envp[n] = NULL;
}

/* execve PROGRAM; a name without '/' is looked up in the default PATH. */
static int exec_program(char *const *argv, char **envp)
{
	char path[PATH_MAX];
	const char *dirs = CTR_PATH_DEFAULT;
	int saved = ENOENT;

	if (strchr(argv[0], '/')) {
		execve(argv[0], argv, envp);
		return -errno;
	}
	while (*dirs) {
		size_t len = strcspn(dirs, ":");
		snprintf(path, sizeof(path), "%.*s/%s", (int)len, dirs, argv[0]);
		execve(path, argv, envp);
		if (errno != ENOENT)
			saved = errno;
		dirs += len + (dirs[len] == ':');
	}
	return -saved;
}

_Noreturn void ctr_child_main(const struct ctr_launch *l)
{
	const struct ctr_config *cfg = l->cfg;
	char *envp[CTR_ENV_MAX + 8], host_var[CTR_HOST_MAX + 16], port_var[32];
	struct iso_err err = {0};
	int r;

	phase(l, "clone");
	/* Without the monitor's copy of the sync socket's other end here, its
	 * death reads as EOF in wait_msg(). */
	for (int i = 0; i < 3; i++)
		close(l->monitor_fds[i]);
	/* The container dies with its monitor (and so does its PID ns). */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) {
		iso_err_set(&err, -errno, "prctl pdeathsig");
		fail(l, CTR_EXIT_RUNTIME, &err);
	}
	/* Into the v1 cgroups before anything is allocated or created; the
	 * monitor opened their files, the write moves this process only. */
	if (cgroup_join(l->cg, &err) < 0)
		fail(l, CTR_EXIT_CGROUP, &err);
	/* Only now does a new cgroup namespace get the container's v1
	 * cgroups as its root (with v2 alone it was made at clone time). */
	if (l->cgroupns_late && (cfg->namespaces & CTR_NS_CGROUP) && unshare(CLONE_NEWCGROUP) < 0) {
		iso_err_set(&err, -errno, "unshare cgroup namespace");
		fail(l, CTR_EXIT_RUNTIME, &err);
	}
	phase(l, "cgroup");
	/* In a user namespace nothing may be created before the id maps
	 * exist; otherwise the mounts overlap the monitor's network thread. */
	if (l->userns)
		wait_msg(l, CTR_MSG_GO);
	mounts_done(l, ctr_mount_enter(cfg, l->userns, &err), &err);
	mounts_done(l, ctr_mount_harden(&err), &err);
	phase(l, "pivot");
	if ((cfg->namespaces & CTR_NS_UTS) && sethostname(l->hostname, strlen(l->hostname)) < 0) {
		iso_err_set(&err, -errno, "sethostname %s", l->hostname);
		fail(l, CTR_EXIT_RUNTIME, &err);
	}
	/* The bench port becomes fd 3; every other descriptor above it is
	 * closed by execve (the status pipe reports exec success that way). */
	if ((l->port_wr != CTR_PORT_FD && dup2(l->port_wr, CTR_PORT_FD) < 0) ||
	    fcntl(CTR_PORT_FD, F_SETFD, 0) < 0 ||
	    close_range(CTR_PORT_FD + 1, ~0u, CLOSE_RANGE_CLOEXEC) < 0) {
		iso_err_set(&err, -errno, "prepare descriptors");
		fail(l, CTR_EXIT_RUNTIME, &err);
	}
	/* All that needs no network namespace comes first, while the
	 * monitor's thread may still be making it. */
	if (ctr_caps_bound(&err) < 0)
		fail(l, CTR_EXIT_RUNTIME, &err);
	if (l->netns_by_monitor)
		join_netns(l, wait_msg(l, CTR_MSG_NETNS));
	/* sysfs shows the network namespace of its mounter; the old root
	 * goes after it (ctr_mount.h). */
	mounts_done(l, ctr_mount_sysfs(&err), &err);
	mounts_done(l, ctr_mount_detach_old_root(&err), &err);
	if (chdir(cfg->cwd ? cfg->cwd : "/") < 0) {
		iso_err_set(&err, -errno, "chdir %s", cfg->cwd);
		fail(l, CTR_EXIT_RUNTIME, &err);
	}
	/* A network namespace clone3 made (for a user namespace) is the
	 * container's to set up. */
	if ((cfg->namespaces & CTR_NS_NET) && !l->netns_by_monitor &&
	    ctr_net_configure(cfg->ip, cfg->gw, &err) < 0) {
		iso_err_wrap(&err, "container network");
		fail(l, CTR_EXIT_NET, &err);
	}
	if (ctr_caps_apply(&err) < 0)
		fail(l, CTR_EXIT_RUNTIME, &err);
	/* Nothing from here on needs a privilege or the network: "go" comes
	 * last, so that the monitor's work overlaps all of the above. */
	if (!l->userns)
		wait_msg(l, CTR_MSG_GO);
	/* The monitor blocks the signals it reads from a signalfd. */
	if (sigprocmask(SIG_SETMASK, &l->sigmask, NULL) < 0) {
		iso_err_set(&err, -errno, "restore signal mask");
		fail(l, CTR_EXIT_RUNTIME, &err);
	}
	build_env(cfg, l->hostname, envp, host_var, sizeof(host_var), port_var, sizeof(port_var));
	phase(l, "exec");
	r = exec_program(cfg->argv, envp);
	iso_err_set(&err, r, "exec %s", cfg->argv[0]);
	fail(l, r == -ENOENT ? CTR_EXIT_NOENT : CTR_EXIT_NOEXEC, &err);
}
