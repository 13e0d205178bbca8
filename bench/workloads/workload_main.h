/* What every workload main() shares: the one place a workload prints an
 * error and picks its exit status. Included by main files only. */
#ifndef BENCH_WORKLOAD_MAIN_H
#define BENCH_WORKLOAD_MAIN_H

#include "bench_port.h"
#include "guest.h"
#include "workload_args.h"

/* Print "<prog>: <message>" and return `code` for main() to return. */
static inline int workload_fail(const struct iso_err *err, const char *prog, int code)
{
	iso_err_print(err, prog);
	return code;
}

#endif
