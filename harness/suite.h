/* The suite: the workloads `bench run` knows, their arguments, and how
 * their REPORT values map onto the metrics of results/SCHEMA.md. */
#ifndef ISO_SUITE_H
#define ISO_SUITE_H

#include <stddef.h>

#include "argv.h"
#include "err.h"

#define SUITE_ARGS_MAX	  8
#define SUITE_REPORTS_MAX 6

/* A REPORT key and a metric its value goes into (scaled). A key may feed
 * several metrics; a metric fed by several keys is their sum. */
struct suite_report_map {
	const char *key;
	const char *metric;
	double scale;
};

struct suite_workload {
	const char *name;
	const char *program; /* the image's workload to run; NULL: `name` */
	/* Arguments after the name. "{sink}" and "{port}" are the sink's
	 * address and port in the network lab. */
	const char *args[SUITE_ARGS_MAX];
	const char *summary;
	int needs_net; /* skipped by backends that cannot attach to the lab */
	/* Reaches the sink through the lab's NAT router (netlab.h), not
	 * straight across the bridge: the same program on another path. */
	int nat;
	/* Stays alive after READY until stopped: memory and host tasks are
	 * sampled on it; density runs hold instances of it. */
	int holds;
	int in_all; /* part of `bench run --all` */
	struct suite_report_map reports[SUITE_REPORTS_MAX];
};

extern const struct suite_workload suite_workloads[];
extern const size_t suite_workloads_count;

/* The workload named `name`, or NULL. */
const struct suite_workload *suite_find(const char *name);

/* The workload density runs hold in the background. */
const struct suite_workload *suite_density_workload(void);

/* Build the workload's argv (program first) with the lab's sink address
 * and port substituted ("" when there is no lab). */
int suite_argv(const struct suite_workload *wl, const char *sink_ip, const char *sink_port,
	       struct argv *out, struct iso_err *err);

#endif
