/* net-stream HOST PORT [--seconds S] [--send|--recv] [--warmup S]: one TCP
 * bulk stream with bench-sink; REPORT bytes, seconds, gbps of the window
 * after the warm-up, bytes_total since READY (the span over which the
 * harness takes the instance's CPU cost) and the workload's CPU time. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "cleanup.h"
#include "clock.h"
#include "net_conn.h"
#include "net_proto.h"
#include "workload_main.h"

#define NS_PER_S 1000000000.0

struct window {
	uint64_t warm_end_ns, end_ns; /* measured: [warm_end, end) */
	uint64_t start_ns, last_ns;   /* first and last transfer in it */
	uint64_t bytes;
	uint64_t bytes_total; /* since READY, warm-up included */
};

/* Account a transfer of `n` bytes that completed at `now`. */
static void window_add(struct window *w, uint64_t now, size_t n)
{
	w->bytes_total += n;
	if (now < w->warm_end_ns)
		return;
	if (w->start_ns == 0) {
		/* The window opens at the first completion after warm-up; its
		 * bytes were moved before and are not counted. */
		w->start_ns = now;
		w->last_ns = now;
		return;
	}
	w->bytes += n;
	w->last_ns = now;
}

static int stream(int fd, enum net_stream_dir dir, struct window *w, struct iso_err *err)
{
	cleanup_free uint8_t *buf = calloc(1, NET_PROTO_BULK_BYTES);
	uint64_t now = 0;
	ssize_t n;

	if (!buf)
		return iso_err_set(err, -ENOMEM, "buffer");
	while (now < w->end_ns) {
		if (dir == NET_STREAM_SEND)
			n = send(fd, buf, NET_PROTO_BULK_BYTES, MSG_NOSIGNAL);
		else
			n = recv(fd, buf, NET_PROTO_BULK_BYTES, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return iso_err_set(err, -errno, dir == NET_STREAM_SEND ? "send" : "recv");
		if (n == 0)
			return iso_err_input(err, -ECONNRESET, "sink closed the stream early");
		now = clock_mono_ns();
		window_add(w, now, (size_t)n);
	}
	return 0;
}

static double cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

int net_stream_main(int argc, char **argv)
{
	struct net_stream_args a;
	struct iso_err err = {0};
	struct window w = {0};
	struct net_hello h;
	uint8_t hello[NET_PROTO_HELLO_BYTES];
	cleanup_close int fd = -1;
	uint64_t t0;
	double secs;

	if (workload_args_net_stream(argc, argv, &a, &err) < 0)
		return workload_fail(&err, "net-stream", WORKLOAD_EXIT_USAGE);
	if (bench_port_open(&err) < 0)
		return workload_fail(&err, "net-stream", WORKLOAD_EXIT_FAIL);
	fd = net_conn_connect(&a.sink, &err);
	if (fd < 0)
		return workload_fail(&err, "net-stream", WORKLOAD_EXIT_FAIL);
	/* The sink streams a little longer than our window so that we, not
	 * its clock, end the measurement. */
	h.mode = a.dir == NET_STREAM_SEND ? NET_MODE_TO_SINK : NET_MODE_FROM_SINK;
	h.duration_ms = (uint32_t)((a.warmup_s + a.seconds) * 1000) + 500;
	h.size = 0;
	net_proto_encode(&h, hello);
	if (net_conn_send_all(fd, hello, sizeof(hello), &err) < 0 || bench_ready(&err) < 0)
		return workload_fail(&err, "net-stream", WORKLOAD_EXIT_FAIL);
	t0 = clock_mono_ns();
	w.warm_end_ns = t0 + (uint64_t)(a.warmup_s * NS_PER_S);
	w.end_ns = w.warm_end_ns + (uint64_t)(a.seconds * NS_PER_S);
	if (stream(fd, a.dir, &w, &err) < 0)
		return workload_fail(&err, "net-stream", WORKLOAD_EXIT_FAIL);
	secs = (double)(w.last_ns - w.start_ns) / NS_PER_S;
	if (w.bytes == 0 || secs <= 0) {
		iso_err_input(&err, -EIO, "no data moved in the measured window");
		return workload_fail(&err, "net-stream", WORKLOAD_EXIT_FAIL);
	}
	if (bench_report(&err, "bytes", "%" PRIu64, w.bytes) < 0 ||
	    bench_report(&err, "bytes_total", "%" PRIu64, w.bytes_total) < 0 ||
	    bench_report(&err, "seconds", "%.3f", secs) < 0 ||
	    bench_report(&err, "gbps", "%.3f", (double)w.bytes * 8 / secs / 1e9) < 0 ||
	    bench_report(&err, "cpu_ms", "%.1f", cpu_ms()) < 0)
		return workload_fail(&err, "net-stream", WORKLOAD_EXIT_FAIL);
	bench_exit(0);
}
