/* Bounded TCP connect/send/recv helpers. */
#include "net_conn.h"

#include <errno.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "cleanup.h"
#include "clock.h"

int net_conn_timeouts(int fd, unsigned ms, struct iso_err *err)
{
	struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};

	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return iso_err_set(err, -errno, "socket timeouts");
	return 0;
}

int net_conn_connect(const struct sockaddr_in *sa, struct iso_err *err)
{
	uint64_t give_up = clock_mono_ns() + (uint64_t)NET_CONN_RETRY_MS * 1000000u;
	const struct timespec pause_ts = {.tv_nsec = 20 * 1000 * 1000};
	char addr[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &sa->sin_addr, addr, sizeof(addr));
	for (;;) {
		cleanup_close int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		int r;

		if (fd < 0)
			return iso_err_set(err, -errno, "socket");
		r = net_conn_timeouts(fd, NET_CONN_IO_TIMEOUT_MS, err);
		if (r < 0)
			return r;
		if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0)
			return steal_fd(&fd);
		if (errno != ECONNREFUSED || clock_mono_ns() > give_up)
			return iso_err_set(err, -errno, "connect %s:%u", addr, ntohs(sa->sin_port));
		nanosleep(&pause_ts, NULL);
	}
}

int net_conn_send_all(int fd, const void *buf, size_t len, struct iso_err *err)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return iso_err_set(err, -errno, "send");
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int net_conn_recv_all(int fd, void *buf, size_t len, struct iso_err *err)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = recv(fd, p, len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return iso_err_set(err, -errno, "recv");
		if (n == 0)
			return iso_err_input(err, -ECONNRESET, "recv: peer closed early");
		p += n;
		len -= (size_t)n;
	}
	return 0;
}
