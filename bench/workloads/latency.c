/* Sorting and nearest-rank percentiles of latency samples. */
#include "latency.h"

#include <stdlib.h>

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

void latency_sort(uint32_t *ns, size_t n)
{
	qsort(ns, n, sizeof(*ns), cmp_u32);
}

uint32_t latency_percentile(const uint32_t *sorted, size_t n, unsigned pct)
{
	/* rank = ceil(pct/100 * n), 1-based. */
	size_t rank = ((size_t)pct * n + 99) / 100;

	if (rank == 0)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}
