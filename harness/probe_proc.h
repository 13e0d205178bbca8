/* Probes over /proc: the host tasks of an instance (its process tree),
 * their memory (PSS from smaps_rollup), their thread counts, the guest-RAM
 * mapping of a VM monitor, the cgroup memory charge of a container, and the
 * system-wide MemAvailable. Parsers take file text so that they are tested
 * on fixtures; readers add the path. Units: KiB as the kernel prints them. */
#ifndef ISO_PROBE_PROC_H
#define ISO_PROBE_PROC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/* Upper bound of tasks in one instance's tree (density runs included). */
#define PROBE_PROC_TREE_MAX 4096

/* Parent pid from the text of /proc/<pid>/stat (the comm field may contain
 * spaces and parentheses: parse after the last ')'). 0 or -EPROTO. */
int probe_proc_parse_ppid(const char *stat_text, pid_t *ppid);

/* "Pss:" of /proc/<pid>/smaps_rollup text, KiB. 0 or -EPROTO. */
int probe_proc_parse_pss(const char *rollup_text, uint64_t *pss_kib);

/* "Threads:" of /proc/<pid>/status text. 0 or -EPROTO. */
int probe_proc_parse_threads(const char *status_text, unsigned int *threads);

/* "MemAvailable:" of /proc/meminfo text, KiB. 0 or -EPROTO. */
int probe_proc_parse_memavailable(const char *meminfo_text, uint64_t *kib);

/* From /proc/<pid>/smaps text: Pss (KiB) of the largest anonymous mapping
 * (no backing file) whose size is at least `min_kib`; a VM monitor's guest
 * RAM. -ENOENT when there is none. */
int probe_proc_parse_largest_anon(const char *smaps_text, uint64_t min_kib, uint64_t *pss_kib,
				  uint64_t *size_kib);

/* The memory cgroup of a task from /proc/<pid>/cgroup text: the v1
 * "memory" hierarchy when present (hybrid hosts charge there), else the v2
 * "0::" line. `*v2` tells which. 0 or -ENOENT. */
int probe_proc_parse_memcg(const char *cgroup_text, char *path, size_t cap, int *v2);

/* Every live task of the tree rooted at `root` (root first), from a scan
 * of /proc. Returns the count (>= 1), -ESRCH when root is gone. */
int probe_proc_tree(pid_t root, pid_t *pids, size_t cap, struct iso_err *err);

/* PSS summed over `pids`, KiB; tasks that vanished meanwhile count 0. */
int probe_proc_pss_kib(const pid_t *pids, size_t n, uint64_t *kib, struct iso_err *err);

/* Threads summed over `pids` (a process counts its own main thread). */
int probe_proc_threads(const pid_t *pids, size_t n, unsigned int *threads, struct iso_err *err);

/* Largest anonymous mapping of `pid` (see the parser), PSS in KiB. */
int probe_proc_anon_pss_kib(pid_t pid, uint64_t min_kib, uint64_t *kib, struct iso_err *err);

/* Memory cgroup path of `pid`. */
int probe_proc_memcg(pid_t pid, char *path, size_t cap, int *v2, struct iso_err *err);

/* Memory charged to the cgroup at `path` (from probe_proc_memcg), bytes:
 * v2 memory.current under /sys/fs/cgroup, v1 memory.usage_in_bytes under
 * /sys/fs/cgroup/memory. */
int probe_proc_memcg_bytes(const char *path, int v2, uint64_t *bytes, struct iso_err *err);

/* System-wide MemAvailable, KiB. */
int probe_proc_memavailable_kib(uint64_t *kib, struct iso_err *err);

#endif
