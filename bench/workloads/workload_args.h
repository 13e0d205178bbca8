/* Argument parsing of every workload, kept apart from their main()s so the
 * unit tests can drive it. Each parser fills its struct with defaults, then
 * argv (argv[0] is the workload name); bad or missing arguments return
 * -EINVAL with a one-line message in `err` that names the argument and
 * shows the usage. Mains print it and exit WORKLOAD_EXIT_USAGE. */
#ifndef BENCH_WORKLOAD_ARGS_H
#define BENCH_WORKLOAD_ARGS_H

#include <stdint.h>
#include <netinet/in.h>

#include "err.h"

#define WORKLOAD_EXIT_USAGE 2 /* bad or missing arguments */
#define WORKLOAD_EXIT_FAIL  1 /* the measurement itself failed */

/* Upper bound of every duration argument: each load loop stops by itself. */
#define WORKLOAD_SECONDS_MAX 3600.0

struct ready_args {
	int code; /* exit code, 0..255 */
};

struct mem_args {
	uint64_t mib;  /* MiB to touch, 1..WORKLOAD_MEM_MIB_MAX */
	double hold_s; /* hold after READY until SIGTERM or this elapses; 0: exit */
};
#define WORKLOAD_MEM_MIB_MAX (1024 * 1024)

struct cpu_args {
	uint64_t iter; /* kernel iterations */
};
#define WORKLOAD_CPU_ITER_DEFAULT 20000000ull

struct syscall_args {
	uint64_t calls;
};
#define WORKLOAD_SYSCALL_CALLS_DEFAULT 1000000ull

enum net_stream_dir {
	NET_STREAM_SEND, /* workload -> sink */
	NET_STREAM_RECV, /* sink -> workload */
};

struct net_stream_args {
	struct sockaddr_in sink;
	double seconds;	 /* measured window */
	double warmup_s; /* before the window, not counted */
	enum net_stream_dir dir;
};
#define WORKLOAD_NET_SECONDS_DEFAULT 5.0
#define WORKLOAD_NET_WARMUP_DEFAULT  1.0

struct net_rr_args {
	struct sockaddr_in sink;
	double seconds;
	uint32_t size; /* request and response bytes */
};
#define WORKLOAD_RR_SIZE_DEFAULT 1
#define WORKLOAD_RR_SIZE_MAX	 65536

int workload_args_ready(int argc, char **argv, struct ready_args *a, struct iso_err *err);
int workload_args_mem(int argc, char **argv, struct mem_args *a, struct iso_err *err);
int workload_args_cpu(int argc, char **argv, struct cpu_args *a, struct iso_err *err);
int workload_args_syscall(int argc, char **argv, struct syscall_args *a, struct iso_err *err);
int workload_args_tasks(int argc, char **argv, struct iso_err *err);
int workload_args_net_stream(int argc, char **argv, struct net_stream_args *a, struct iso_err *err);
int workload_args_net_rr(int argc, char **argv, struct net_rr_args *a, struct iso_err *err);

/* Building blocks, shared with bench-sink. Each returns 0 or -EINVAL with
 * "<what>: ..." in `err`. */
int workload_args_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out, const char *what,
		      struct iso_err *err);
int workload_args_seconds(const char *s, double *out, const char *what, struct iso_err *err);
/* IPv4 address and TCP port into `sa`. */
int workload_args_endpoint(const char *host, const char *port, struct sockaddr_in *sa,
			   struct iso_err *err);

#endif
