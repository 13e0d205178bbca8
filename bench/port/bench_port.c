/* Bench port client: frames written to an inherited fd or an x86 I/O port. */
#include "bench_port.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/io.h>

enum bench_port_kind {
	BENCH_PORT_CLOSED = 0,
	BENCH_PORT_FD,
	BENCH_PORT_IOPORT,
};

/* The process's one port; a workload is a single program with one peer. */
static struct {
	enum bench_port_kind kind;
	int fd;
} port;

int bench_port_parse_spec(const char *spec, int *fd, struct iso_err *err)
{
	char *end;
	long n;

	if (!strcmp(spec, "io")) {
		*fd = -1;
		return 0;
	}
	if (strncmp(spec, "fd:", 3) != 0)
		return iso_err_input(err, -EINVAL, "%s='%s': expected fd:N or io", BENCH_PORT_ENV,
				     spec);
	errno = 0;
	n = strtol(spec + 3, &end, 10);
	if (errno || end == spec + 3 || *end || n < 0 || n > 65535)
		return iso_err_input(err, -EINVAL, "%s='%s': bad descriptor number", BENCH_PORT_ENV,
				     spec);
	*fd = (int)n;
	return 0;
}

int bench_port_open_spec(const char *spec, struct iso_err *err)
{
	int fd, r;

	if (port.kind != BENCH_PORT_CLOSED)
		return 0;
	r = bench_port_parse_spec(spec, &fd, err);
	if (r < 0)
		return r;
	if (fd >= 0) {
		port.kind = BENCH_PORT_FD;
		port.fd = fd;
		return 0;
	}
	if (ioperm(BENCH_PORT_IO, 1, 1) < 0)
		return iso_err_set(err, -errno, "bench port: ioperm(0x%x)", BENCH_PORT_IO);
	port.kind = BENCH_PORT_IOPORT;
	return 0;
}

int bench_port_open(struct iso_err *err)
{
	const char *spec = getenv(BENCH_PORT_ENV);

	if (!spec)
		return iso_err_input(err, -ENOENT, "bench port: %s is not set", BENCH_PORT_ENV);
	return bench_port_open_spec(spec, err);
}

/* One `rep outsb` moves the whole frame: one VM exit per message, which the
 * VMM stamps and decodes as a unit (port_wire.h). */
static void port_outsb(const uint8_t *buf, size_t len)
{
	__asm__ volatile("rep outsb" : "+S"(buf), "+c"(len) : "d"(BENCH_PORT_IO) : "memory");
}

static int port_write_fd(const uint8_t *buf, size_t len, struct iso_err *err)
{
	ssize_t w;

	do {
		w = write(port.fd, buf, len);
	} while (w < 0 && errno == EINTR);
	if (w < 0)
		return iso_err_set(err, -errno, "bench port: write fd %d", port.fd);
	if ((size_t)w != len)
		return iso_err_input(err, -EIO, "bench port: short write to fd %d", port.fd);
	return 0;
}

int bench_port_send(const struct bench_msg *msg, struct iso_err *err)
{
	uint8_t frame[BENCH_WIRE_FRAME_MAX];
	int n = bench_wire_encode(msg, frame, sizeof(frame), err);

	if (n < 0)
		return n;
	switch (port.kind) {
	case BENCH_PORT_FD:
		return port_write_fd(frame, (size_t)n, err);
	case BENCH_PORT_IOPORT:
		port_outsb(frame, (size_t)n);
		return 0;
	default:
		return iso_err_input(err, -ENOTCONN, "bench port: not open");
	}
}

int bench_ready(struct iso_err *err)
{
	struct bench_msg msg = {.type = BENCH_MSG_READY};

	return bench_port_send(&msg, err);
}

int bench_report(struct iso_err *err, const char *key, const char *fmt, ...)
{
	struct bench_msg msg = {.type = BENCH_MSG_REPORT};
	va_list ap;
	int n;

	if (strlen(key) > BENCH_WIRE_KEY_MAX)
		return iso_err_input(err, -EINVAL, "bench port: report key '%s' too long", key);
	strcpy(msg.key, key);
	va_start(ap, fmt);
	n = vsnprintf(msg.value, sizeof(msg.value), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(msg.value))
		return iso_err_input(err, -EINVAL, "bench port: value for '%s' too long", key);
	return bench_port_send(&msg, err);
}

int bench_port_exit(int status, struct iso_err *err)
{
	struct bench_msg msg = {.type = BENCH_MSG_EXIT, .status = status};

	return bench_port_send(&msg, err);
}

_Noreturn void bench_exit(int code)
{
	fflush(NULL);
	exit(code);
}
