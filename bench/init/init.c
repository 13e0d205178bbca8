/* /init WORKLOAD [ARGS...]: the one PID 1 of every backend. Sets up what a
 * VM lacks, runs /bin/WORKLOAD, reaps, forwards SIGTERM/SIGINT, and sends
 * the instance's one EXIT through the bench port.
 *
 * Modes, chosen without configuration:
 *   VM         PID 1 and BENCH_PORT unset: mount /proc /sys /dev, load the
 *              NIC modules, configure lo and the NIC from the kernel command
 *              line (init_cmdline.h), port "io"; after EXIT, reboot (the VMM
 *              stops at EXIT anyway).
 *   container  PID 1 with BENCH_PORT=fd:N: the runtime has prepared mounts
 *              and network; exit with the workload's status after EXIT.
 *   native     not PID 1: becomes a child subreaper so orphans of the
 *              workload are reaped here too; otherwise like a container.
 * Workloads live in bin/ beside the init (/init -> /bin/WORKLOAD; natively
 * build/image/rootfs/init -> build/image/rootfs/bin/WORKLOAD). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/wait.h>

#include "bench_port.h"
#include "cleanup.h"
#include "guest.h"
#include "init_cmdline.h"
#include "init_net.h"
#include "init_vm.h"

#define INIT_EXIT_USAGE	 2
#define INIT_EXIT_SETUP	 126 /* the instance could not be prepared */
#define INIT_EXIT_NOEXEC 127 /* the workload could not be started */
#define INIT_CMDLINE_MAX 4096

static int init_is_vm(void)
{
	return getpid() == 1 && !getenv(BENCH_PORT_ENV);
}

static int read_cmdline(char *buf, size_t cap, struct iso_err *err)
{
	cleanup_close int fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return iso_err_set(err, -errno, "open /proc/cmdline");
	n = read(fd, buf, cap - 1);
	if (n < 0)
		return iso_err_set(err, -errno, "read /proc/cmdline");
	buf[n] = '\0';
	return 0;
}

/* Everything a VM's PID 1 must do before the workload can run. */
static int init_vm_setup(struct iso_err *err)
{
	char cmdline[INIT_CMDLINE_MAX];
	struct init_net_cfg cfg;
	int r;

	r = init_vm_mount(err);
	if (r == 0)
		r = read_cmdline(cmdline, sizeof(cmdline), err);
	if (r == 0)
		r = init_cmdline_parse(cmdline, &cfg, err);
	/* Without a NIC address there is no NIC to drive: skip the modules,
	 * keeping the startup probe minimal. */
	if (r == 0 && cfg.have_ip)
		r = init_vm_load_modules(err);
	if (r == 0)
		r = init_net_setup(&cfg, err);
	if (r == 0 && setenv(BENCH_PORT_ENV, "io", 1) < 0)
		r = iso_err_set(err, -errno, "setenv %s", BENCH_PORT_ENV);
	return r;
}

/* bin/NAME next to the init binary (see the file comment). */
static int workload_path(const char *argv0, const char *name, char *path, size_t cap,
			 struct iso_err *err)
{
	const char *slash = strrchr(argv0, '/');
	int dirlen = slash ? (int)(slash - argv0) : 0;
	int n;

	if (!*name || strchr(name, '/'))
		return iso_err_input(err, -EINVAL, "workload '%s': expected a name from bin/",
				     name);
	n = snprintf(path, cap, "%.*s/bin/%s", dirlen, argv0, name);
	if (n < 0 || (size_t)n >= cap)
		return iso_err_input(err, -ENAMETOOLONG, "workload path too long");
	return 0;
}

static _Noreturn void run_workload(const char *path, char **argv, const sigset_t *old)
{
	sigprocmask(SIG_SETMASK, old, NULL);
	execv(path, argv);
	fprintf(stderr, "init: exec %s: %s\n", path, strerror(errno));
	_exit(INIT_EXIT_NOEXEC);
}

/* Wait for the workload, reaping every other child on the way (orphans
 * land here as PID 1 or subreaper) and forwarding SIGTERM/SIGINT to it.
 * Returns its status as EXIT carries it: the exit code, or 128+signal. */
static int supervise(pid_t child, const sigset_t *set)
{
	for (;;) {
		siginfo_t si;
		int st;
		pid_t p;

		if (sigwaitinfo(set, &si) < 0)
			continue;
		if (si.si_signo != SIGCHLD) {
			kill(child, si.si_signo);
			continue;
		}
		while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
			if (p != child)
				continue;
			return WIFSIGNALED(st) ? 128 + WTERMSIG(st) : WEXITSTATUS(st);
		}
	}
}

/* The end of the instance: EXIT with `status`, then leave. A VM's PID 1
 * must never return (the kernel would panic): it reboots, which the
 * monitor turns into a stop. */
static _Noreturn void finish(int vm, int status)
{
	struct iso_err err = {0};

	if (bench_port_exit(status, &err) < 0)
		iso_err_print(&err, "init");
	if (vm) {
		reboot(RB_AUTOBOOT);
		for (;;)
			pause();
	}
	exit(status);
}

int init_main(int argc, char **argv)
{
	char path[PATH_MAX];
	struct iso_err err = {0};
	sigset_t set, old;
	int vm = init_is_vm();
	pid_t child;

	if (vm && init_vm_setup(&err) < 0) {
		iso_err_print(&err, "init");
		bench_port_open_spec("io", NULL);
		finish(vm, INIT_EXIT_SETUP);
	}
	if (!vm && getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		iso_err_set(&err, -errno, "prctl(PR_SET_CHILD_SUBREAPER)");
		iso_err_print(&err, "init");
		return INIT_EXIT_SETUP;
	}
	if (bench_port_open(&err) < 0) {
		iso_err_print(&err, "init");
		if (vm)
			finish(vm, INIT_EXIT_SETUP);
		return INIT_EXIT_SETUP;
	}
	if (argc < 2) {
		fputs("init: usage: /init WORKLOAD [ARGS...]\n", stderr);
		finish(vm, INIT_EXIT_USAGE);
	}
	if (workload_path(argv[0], argv[1], path, sizeof(path), &err) < 0) {
		iso_err_print(&err, "init");
		finish(vm, INIT_EXIT_USAGE);
	}
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, &old);
	child = fork();
	if (child < 0) {
		iso_err_set(&err, -errno, "fork");
		iso_err_print(&err, "init");
		finish(vm, INIT_EXIT_SETUP);
	}
	if (child == 0)
		run_workload(path, argv + 1, &old);
	finish(vm, supervise(child, &set));
}
