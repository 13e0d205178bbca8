/* What each metric name means (results/SCHEMA.md "Metric names"): unit,
 * which direction is better, and whether it is environment-noisy. One
 * table, so a metric has one meaning across backends. */
#ifndef ISO_METRICS_H
#define ISO_METRICS_H

#include <stdbool.h>

#include "results.h"

struct metric_info {
	const char *unit;
	enum results_better better;
	bool noisy;
};

/* Look `name` up by exact name, then by family prefix ("startup.phase.",
 * "workload."). Unknown names get unit "count", lower is better. */
struct metric_info metrics_info(const char *name);

#endif
