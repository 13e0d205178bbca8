/* Workload side of the bench port: READY, REPORT key=value, and the
 * instance's one EXIT (sent by the init only).
 *
 * One port per process, chosen once by bench_port_open() from the
 * environment variable BENCH_PORT (see port_wire.h):
 *   "fd:N"  one write() per frame to the inherited descriptor N (container,
 *           native); frames are < PIPE_BUF, so writes from the init and the
 *           workload never interleave on a pipe;
 *   "io"    one `rep outsb` per frame to I/O port BENCH_PORT_IO (VM); needs
 *           ioperm(), i.e. CAP_SYS_RAWIO, which PID 1 and its children have.
 * The workload does not know its backend beyond this choice.
 *
 * Errors follow harness/err.h: negative errno, message in `err`. Variadic
 * bench_report() takes `err` first, like iso_err_set(). */
#ifndef BENCH_PORT_H
#define BENCH_PORT_H

#include "err.h"
#include "port_wire.h"

/* Open the port named by $BENCH_PORT. Returns 0; -ENOENT when the variable
 * is unset; -EINVAL when it names no valid transport; or the errno of
 * ioperm(). Idempotent. */
int bench_port_open(struct iso_err *err);

/* Open the port from an explicit spec ("fd:N" or "io") instead of the
 * environment; same results as bench_port_open(). */
int bench_port_open_spec(const char *spec, struct iso_err *err);

/* Parse a transport spec without opening it. On success returns 0 and sets
 * `*fd` to N for "fd:N" or to -1 for "io". */
int bench_port_parse_spec(const char *spec, int *fd, struct iso_err *err);

/* Send one message (READY, REPORT or EXIT) on the open port. */
int bench_port_send(const struct bench_msg *msg, struct iso_err *err);

/* READY: the workload is up (startup probe) or has finished setting up. */
int bench_ready(struct iso_err *err);

/* REPORT key=value, value formatted printf-style. The value must be
 * printable ASCII without spaces or '=' (port_wire.h), else -EINVAL. */
int bench_report(struct iso_err *err, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The init's message: EXIT with the workload's exit status (0..255,
 * 128+signal when it was killed). Workloads never call this. */
int bench_port_exit(int status, struct iso_err *err);

/* End the workload: every frame is already out (one syscall or port write
 * per message, no buffering), so this only exits with `code`. The init
 * reports the status. */
_Noreturn void bench_exit(int code);

#endif
