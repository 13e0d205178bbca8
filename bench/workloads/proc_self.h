/* Facts about the calling process from /proc/self. */
#ifndef BENCH_PROC_SELF_H
#define BENCH_PROC_SELF_H

#include <stdint.h>

#include "err.h"

/* Resident set size in KiB (/proc/self/statm, field 2, times the page
 * size). Needs /proc mounted. */
int proc_self_rss_kib(uint64_t *kib, struct iso_err *err);

#endif
