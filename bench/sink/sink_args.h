/* bench-sink's command line:
 *   bench-sink --listen ADDR:PORT [--max-seconds S] [--once]
 * It always exits by itself: after S seconds (default SINK_MAX_S_DEFAULT),
 * or with --once after its first session. */
#ifndef BENCH_SINK_ARGS_H
#define BENCH_SINK_ARGS_H

#include <netinet/in.h>

#include "err.h"

#define SINK_EXIT_USAGE	   2
#define SINK_EXIT_FAIL	   1
#define SINK_MAX_S_DEFAULT 300.0

struct sink_args {
	struct sockaddr_in listen;
	double max_s;
	int once;
};

/* Returns 0 or -EINVAL with a one-line message (usage included). */
int sink_args_parse(int argc, char **argv, struct sink_args *a, struct iso_err *err);

#endif
