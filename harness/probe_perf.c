/* Perf counters through libpfm4: encode by name, open on a task, read. */
#include "probe_perf.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <perfmon/pfmlib_perf_event.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* task-clock counts nanoseconds (perf_event_open(2), PERF_COUNT_SW_TASK_CLOCK). */
const struct probe_perf_desc probe_perf_events[PROBE_PERF_COUNT] = {
	[PROBE_PERF_TASK_CLOCK] = {"task-clock", "cpu.task_clock_ms", 1e-6},
	[PROBE_PERF_CONTEXT_SWITCHES] = {"context-switches", "cpu.context_switches", 1.0},
	[PROBE_PERF_PAGE_FAULTS] = {"page-faults", "cpu.page_faults", 1.0},
	[PROBE_PERF_CYCLES] = {"cycles", "cpu.cycles", 1.0},
	[PROBE_PERF_INSTRUCTIONS] = {"instructions", "cpu.instructions", 1.0},
};

int probe_perf_init(struct iso_err *err)
{
	int r = pfm_initialize();

	if (r != PFM_SUCCESS)
		return iso_err_input(err, -ENOSYS, "perf: libpfm4 initialisation: %s",
				     pfm_strerror(r));
	return 0;
}

static int perf_open_one(enum probe_perf_event ev, pid_t pid, int enable_on_exec)
{
	struct perf_event_attr attr;
	pfm_perf_encode_arg_t arg;

	memset(&attr, 0, sizeof(attr));
	memset(&arg, 0, sizeof(arg));
	arg.attr = &attr;
	arg.size = sizeof(arg);
	/* User and kernel level: a backend's cost is mostly system calls. */
	if (pfm_get_os_event_encoding(probe_perf_events[ev].pfm_name, PFM_PLM0 | PFM_PLM3,
				      PFM_OS_PERF_EVENT_EXT, &arg) != PFM_SUCCESS)
		return -1;
	attr.size = sizeof(attr);
	attr.inherit = 1;
	attr.disabled = enable_on_exec;
	attr.enable_on_exec = enable_on_exec;
	return (int)syscall(SYS_perf_event_open, &attr, pid, -1, -1, PERF_FLAG_FD_CLOEXEC);
}

int probe_perf_open(struct probe_perf *p, pid_t pid)
{
	int opened = 0;

	for (int i = 0; i < PROBE_PERF_COUNT; i++) {
		p->fd[i] = perf_open_one((enum probe_perf_event)i, pid, 1);
		if (p->fd[i] >= 0)
			opened++;
		else
			p->fd[i] = -1;
	}
	return opened;
}

int probe_perf_read(const struct probe_perf *p, enum probe_perf_event ev, double *value)
{
	uint64_t count;
	ssize_t n;

	if (p->fd[ev] < 0)
		return -ENODATA;
	n = read(p->fd[ev], &count, sizeof(count));
	if (n < 0)
		return -errno;
	if (n != sizeof(count))
		return -EIO;
	*value = (double)count * probe_perf_events[ev].scale;
	return 0;
}

void probe_perf_close(struct probe_perf *p)
{
	for (int i = 0; i < PROBE_PERF_COUNT; i++) {
		if (p->fd[i] >= 0)
			close(p->fd[i]);
		p->fd[i] = -1;
	}
}

unsigned int probe_perf_available(void)
{
	unsigned int mask = 0;

	if (probe_perf_init(NULL) < 0)
		return 0;
	for (int i = 0; i < PROBE_PERF_COUNT; i++) {
		int fd = perf_open_one((enum probe_perf_event)i, 0, 0);

		if (fd >= 0) {
			mask |= 1u << i;
			close(fd);
		}
	}
	return mask;
}
