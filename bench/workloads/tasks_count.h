/* Counting the tasks visible in a proc file system. */
#ifndef BENCH_TASKS_COUNT_H
#define BENCH_TASKS_COUNT_H

#include "err.h"

struct tasks_count {
	unsigned long processes;      /* user-space processes */
	unsigned long threads;	      /* their threads, main threads included */
	unsigned long kernel_threads; /* PF_KTHREAD tasks (one thread each) */
};

/* Count what `proc_dir` (normally "/proc") shows. Tasks that exit while
 * being counted are skipped. Returns 0 or a negative errno. */
int tasks_count_scan(const char *proc_dir, struct tasks_count *out, struct iso_err *err);

/* Whether the text of /proc/<pid>/stat names a kernel thread: field 9
 * (flags, proc(5)) has PF_KTHREAD. Returns 1, 0, or -EPROTO. */
int tasks_count_stat_is_kthread(const char *stat);

#endif
