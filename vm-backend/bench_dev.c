/* The bench port device: traps the guest's frame writes to BENCH_PORT_IO,
 * stamps each message with the host clock on the vCPU thread that took
 * the exit, forwards it as an event line to --events-fd, and stops the VM
 * with the status an EXIT message carries. Validation (bad frames, a
 * second EXIT) is port_reader's (harness/port_reader.h). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "clock.h"
#include "device_table.h"
#include "port_reader.h"

struct bench_dev {
	struct vm *vm;
	pthread_mutex_t lock; /* frames from several vCPUs share one parser */
	struct port_reader reader;
	int events_fd;
};

static int bench_dev_event(void *ctx, const struct bench_event *ev, struct iso_err *err)
{
	struct bench_dev *d = ctx;

	/* The harness may have gone: keep running the guest, report once. */
	if (d->events_fd >= 0 && vm_write_event(d->vm, d->events_fd, ev, err) < 0) {
		vm_log(d->vm, "%s", err->msg);
		d->events_fd = -1;
	}
	if (ev->msg.type == BENCH_MSG_EXIT)
		vm_request_stop(d->vm, ev->msg.status);
	return 0;
}

static void bench_dev_reject(void *ctx, const struct iso_err *why)
{
	struct bench_dev *d = ctx;

	vm_log(d->vm, "%s", why->msg);
}

static void bench_dev_write(void *opaque, uint64_t off, const void *data, uint32_t len)
{
	struct bench_dev *d = opaque;
	struct iso_err err = {0};

	(void)off;
	pthread_mutex_lock(&d->lock);
	port_reader_feed(&d->reader, data, len, clock_mono_ns(), &err);
	pthread_mutex_unlock(&d->lock);
}

static const struct bus_ops bench_dev_ops = {.write = bench_dev_write};

int bench_dev_setup(struct vm *vm, void **priv, struct iso_err *err)
{
	struct bench_dev *d = calloc(1, sizeof(*d));

	if (!d)
		return iso_err_set(err, -ENOMEM, "bench port: allocate");
	*priv = d;
	d->vm = vm;
	d->events_fd = vm_config(vm)->events_fd;
	pthread_mutex_init(&d->lock, NULL);
	port_reader_init(&d->reader, bench_dev_event, d, bench_dev_reject, d);
	/* Registered even without --events-fd: EXIT must still end the run. */
	return vm_bus_register(vm, VM_BUS_PIO, BENCH_PORT_IO, 1, &bench_dev_ops, d, "bench-port",
			       err);
}

void bench_dev_teardown(struct vm *vm, void *priv)
{
	struct bench_dev *d = priv;

	(void)vm;
	if (!d)
		return;
	pthread_mutex_destroy(&d->lock);
	free(d);
}
