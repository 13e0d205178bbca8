/* Latency samples of the request/response workload. */
#ifndef BENCH_LATENCY_H
#define BENCH_LATENCY_H

#include <stddef.h>
#include <stdint.h>

/* Sort `ns[0..n)` ascending in place. */
void latency_sort(uint32_t *ns, size_t n);

/* The `pct` percentile (0..100) of sorted samples, nearest-rank method
 * (the smallest sample with at least pct% of samples at or below it).
 * n must be > 0. */
uint32_t latency_percentile(const uint32_t *sorted, size_t n, unsigned pct);

#endif
