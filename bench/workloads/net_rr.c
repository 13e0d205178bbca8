/* net-rr HOST PORT [--seconds S] [--size B]: TCP request/response with
 * bench-sink (one outstanding request); REPORT requests, seconds, p50_us
 * and p99_us of the round trips. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "cleanup.h"
#include "clock.h"
#include "latency.h"
#include "net_conn.h"
#include "net_proto.h"
#include "workload_main.h"

/* Sample store bound (4 MiB): the loop also stops when it is full. */
#define NET_RR_SAMPLES_MAX (1u << 20)

static int exchange(int fd, const struct net_rr_args *a, uint32_t *ns, size_t *count,
		    struct iso_err *err)
{
	cleanup_free uint8_t *buf = calloc(1, a->size);
	uint64_t end = clock_mono_ns() + (uint64_t)(a->seconds * 1e9);
	uint64_t t0, t1 = 0;
	size_t n = 0;
	int r;

	if (!buf)
		return iso_err_set(err, -ENOMEM, "buffer");
	while (t1 < end && n < NET_RR_SAMPLES_MAX) {
		t0 = clock_mono_ns();
		r = net_conn_send_all(fd, buf, a->size, err);
		if (r == 0)
			r = net_conn_recv_all(fd, buf, a->size, err);
		if (r < 0)
			return r;
		t1 = clock_mono_ns();
		ns[n++] = t1 - t0 > UINT32_MAX ? UINT32_MAX : (uint32_t)(t1 - t0);
	}
	*count = n;
	return 0;
}

int net_rr_main(int argc, char **argv)
{
	cleanup_free uint32_t *ns = NULL;
	struct net_rr_args a;
	struct iso_err err = {0};
	struct net_hello h;
	uint8_t hello[NET_PROTO_HELLO_BYTES];
	cleanup_close int fd = -1;
	uint64_t t0, t1;
	size_t n = 0;
	int one = 1;

	if (workload_args_net_rr(argc, argv, &a, &err) < 0)
		return workload_fail(&err, "net-rr", WORKLOAD_EXIT_USAGE);
	ns = malloc(NET_RR_SAMPLES_MAX * sizeof(*ns));
	if (!ns) {
		iso_err_set(&err, -ENOMEM, "samples");
		return workload_fail(&err, "net-rr", WORKLOAD_EXIT_FAIL);
	}
	if (bench_port_open(&err) < 0)
		return workload_fail(&err, "net-rr", WORKLOAD_EXIT_FAIL);
	fd = net_conn_connect(&a.sink, &err);
	if (fd < 0)
		return workload_fail(&err, "net-rr", WORKLOAD_EXIT_FAIL);
	/* Small requests must leave at once, not wait for Nagle. */
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0) {
		iso_err_set(&err, -errno, "TCP_NODELAY");
		return workload_fail(&err, "net-rr", WORKLOAD_EXIT_FAIL);
	}
	h.mode = NET_MODE_RR;
	h.duration_ms = (uint32_t)(a.seconds * 1000) + 500;
	h.size = a.size;
	net_proto_encode(&h, hello);
	if (net_conn_send_all(fd, hello, sizeof(hello), &err) < 0 || bench_ready(&err) < 0)
		return workload_fail(&err, "net-rr", WORKLOAD_EXIT_FAIL);
	t0 = clock_mono_ns();
	if (exchange(fd, &a, ns, &n, &err) < 0)
		return workload_fail(&err, "net-rr", WORKLOAD_EXIT_FAIL);
	t1 = clock_mono_ns();
	if (n == 0) {
		iso_err_input(&err, -EIO, "no request completed");
		return workload_fail(&err, "net-rr", WORKLOAD_EXIT_FAIL);
	}
	latency_sort(ns, n);
	if (bench_report(&err, "requests", "%zu", n) < 0 ||
	    bench_report(&err, "seconds", "%.3f", (double)(t1 - t0) / 1e9) < 0 ||
	    bench_report(&err, "p50_us", "%.1f", latency_percentile(ns, n, 50) / 1e3) < 0 ||
	    bench_report(&err, "p99_us", "%.1f", latency_percentile(ns, n, 99) / 1e3) < 0)
		return workload_fail(&err, "net-rr", WORKLOAD_EXIT_FAIL);
	bench_exit(0);
}
