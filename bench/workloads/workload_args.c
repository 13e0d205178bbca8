/* Workload argument parsers: defaults, ranges, one-line usage errors. */
#include "workload_args.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#define USAGE_READY	 "usage: ready [CODE]"
#define USAGE_MEM	 "usage: mem MIB [--hold SECONDS]"
#define USAGE_CPU	 "usage: cpu [ITER]"
#define USAGE_SYSCALL	 "usage: syscall [N]"
#define USAGE_TASKS	 "usage: tasks"
#define USAGE_NET_STREAM "usage: net-stream HOST PORT [--seconds S] [--send|--recv] [--warmup S]"
#define USAGE_NET_RR	 "usage: net-rr HOST PORT [--seconds S] [--size B]"

int workload_args_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out, const char *what,
		      struct iso_err *err)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (*s < '0' || *s > '9' || *end || errno)
		return iso_err_input(err, -EINVAL, "%s: '%s' is not a number", what, s);
	if (v < min || v > max)
		return iso_err_input(err, -EINVAL, "%s: %llu is outside %llu..%llu", what, v,
				     (unsigned long long)min, (unsigned long long)max);
	*out = v;
	return 0;
}

int workload_args_seconds(const char *s, double *out, const char *what, struct iso_err *err)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end || errno || !isfinite(v))
		return iso_err_input(err, -EINVAL, "%s: '%s' is not a number of seconds", what, s);
	if (v < 0 || v > WORKLOAD_SECONDS_MAX)
		return iso_err_input(err, -EINVAL, "%s: %s is outside 0..%.0f seconds", what, s,
				     WORKLOAD_SECONDS_MAX);
	*out = v;
	return 0;
}

int workload_args_endpoint(const char *host, const char *port, struct sockaddr_in *sa,
			   struct iso_err *err)
{
	uint64_t p;

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
		return iso_err_input(err, -EINVAL, "HOST: '%s' is not an IPv4 address", host);
	if (workload_args_u64(port, 1, 65535, &p, "PORT", err) < 0)
		return -EINVAL;
	sa->sin_port = htons((uint16_t)p);
	return 0;
}

/* Prefix a recorded message with the usage line. */
static int usage_error(struct iso_err *err, const char *usage)
{
	return iso_err_wrap(err, "%s", usage);
}

/* Fetch the value of option argv[*i]; advances *i. */
static const char *opt_value(int argc, char **argv, int *i, struct iso_err *err)
{
	if (*i + 1 >= argc) {
		iso_err_input(err, -EINVAL, "%s needs a value", argv[*i]);
		return NULL;
	}
	*i += 1;
	return argv[*i];
}

int workload_args_ready(int argc, char **argv, struct ready_args *a, struct iso_err *err)
{
	uint64_t code = 0;

	if (argc > 2) {
		iso_err_input(err, -EINVAL, "too many arguments");
		return usage_error(err, USAGE_READY);
	}
	if (argc == 2 && workload_args_u64(argv[1], 0, 255, &code, "CODE", err) < 0)
		return usage_error(err, USAGE_READY);
	a->code = (int)code;
	return 0;
}

int workload_args_mem(int argc, char **argv, struct mem_args *a, struct iso_err *err)
{
	const char *v;

	a->hold_s = 0;
	if (argc < 2) {
		iso_err_input(err, -EINVAL, "MIB is missing");
		return usage_error(err, USAGE_MEM);
	}
	if (workload_args_u64(argv[1], 1, WORKLOAD_MEM_MIB_MAX, &a->mib, "MIB", err) < 0)
		return usage_error(err, USAGE_MEM);
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--hold") != 0) {
			iso_err_input(err, -EINVAL, "unknown argument '%s'", argv[i]);
			return usage_error(err, USAGE_MEM);
		}
		v = opt_value(argc, argv, &i, err);
		if (!v || workload_args_seconds(v, &a->hold_s, "--hold", err) < 0)
			return usage_error(err, USAGE_MEM);
	}
	return 0;
}

/* The shape of cpu and syscall: one optional count. */
static int one_count(int argc, char **argv, uint64_t def, const char *what, const char *usage,
		     uint64_t *out, struct iso_err *err)
{
	*out = def;
	if (argc > 2) {
		iso_err_input(err, -EINVAL, "too many arguments");
		return usage_error(err, usage);
	}
	if (argc == 2 && workload_args_u64(argv[1], 1, UINT64_MAX / 2, out, what, err) < 0)
		return usage_error(err, usage);
	return 0;
}

int workload_args_cpu(int argc, char **argv, struct cpu_args *a, struct iso_err *err)
{
	return one_count(argc, argv, WORKLOAD_CPU_ITER_DEFAULT, "ITER", USAGE_CPU, &a->iter, err);
}

int workload_args_syscall(int argc, char **argv, struct syscall_args *a, struct iso_err *err)
{
	return one_count(argc, argv, WORKLOAD_SYSCALL_CALLS_DEFAULT, "N", USAGE_SYSCALL, &a->calls,
			 err);
}

int workload_args_tasks(int argc, char **argv, struct iso_err *err)
{
	(void)argv;
	if (argc > 1) {
		iso_err_input(err, -EINVAL, "too many arguments");
		return usage_error(err, USAGE_TASKS);
	}
	return 0;
}

/* A duration option that must be positive. */
static int positive_seconds(const char *s, double *out, const char *what, struct iso_err *err)
{
	if (workload_args_seconds(s, out, what, err) < 0)
		return -EINVAL;
	if (*out <= 0)
		return iso_err_input(err, -EINVAL, "%s: must be more than 0 seconds", what);
	return 0;
}

int workload_args_net_stream(int argc, char **argv, struct net_stream_args *a, struct iso_err *err)
{
	const char *v;

	a->seconds = WORKLOAD_NET_SECONDS_DEFAULT;
	a->warmup_s = WORKLOAD_NET_WARMUP_DEFAULT;
	a->dir = NET_STREAM_SEND;
	if (argc < 3) {
		iso_err_input(err, -EINVAL, "HOST and PORT are required");
		return usage_error(err, USAGE_NET_STREAM);
	}
	if (workload_args_endpoint(argv[1], argv[2], &a->sink, err) < 0)
		return usage_error(err, USAGE_NET_STREAM);
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--send")) {
			a->dir = NET_STREAM_SEND;
		} else if (!strcmp(argv[i], "--recv")) {
			a->dir = NET_STREAM_RECV;
		} else if (!strcmp(argv[i], "--seconds")) {
			v = opt_value(argc, argv, &i, err);
			if (!v || positive_seconds(v, &a->seconds, "--seconds", err) < 0)
				return usage_error(err, USAGE_NET_STREAM);
		} else if (!strcmp(argv[i], "--warmup")) {
			v = opt_value(argc, argv, &i, err);
			if (!v || workload_args_seconds(v, &a->warmup_s, "--warmup", err) < 0)
				return usage_error(err, USAGE_NET_STREAM);
		} else {
			iso_err_input(err, -EINVAL, "unknown argument '%s'", argv[i]);
			return usage_error(err, USAGE_NET_STREAM);
		}
	}
	if (a->seconds + a->warmup_s > WORKLOAD_SECONDS_MAX) {
		iso_err_input(err, -EINVAL, "--seconds plus --warmup exceed %.0f",
			      WORKLOAD_SECONDS_MAX);
		return usage_error(err, USAGE_NET_STREAM);
	}
	return 0;
}

int workload_args_net_rr(int argc, char **argv, struct net_rr_args *a, struct iso_err *err)
{
	const char *v;
	uint64_t size;

	a->seconds = WORKLOAD_NET_SECONDS_DEFAULT;
	a->size = WORKLOAD_RR_SIZE_DEFAULT;
	if (argc < 3) {
		iso_err_input(err, -EINVAL, "HOST and PORT are required");
		return usage_error(err, USAGE_NET_RR);
	}
	if (workload_args_endpoint(argv[1], argv[2], &a->sink, err) < 0)
		return usage_error(err, USAGE_NET_RR);
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--seconds")) {
			v = opt_value(argc, argv, &i, err);
			if (!v || positive_seconds(v, &a->seconds, "--seconds", err) < 0)
				return usage_error(err, USAGE_NET_RR);
		} else if (!strcmp(argv[i], "--size")) {
			v = opt_value(argc, argv, &i, err);
			if (!v ||
			    workload_args_u64(v, 1, WORKLOAD_RR_SIZE_MAX, &size, "--size", err) < 0)
				return usage_error(err, USAGE_NET_RR);
			a->size = (uint32_t)size;
		} else {
			iso_err_input(err, -EINVAL, "unknown argument '%s'", argv[i]);
			return usage_error(err, USAGE_NET_RR);
		}
	}
	return 0;
}
