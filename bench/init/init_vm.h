/* What the init does only as a VM's PID 1: the kernel file systems and the
 * NIC driver modules that the image carries. */
#ifndef BENCH_INIT_VM_H
#define BENCH_INIT_VM_H

#include "err.h"

/* Load list written by scripts/mkimage: /lib/modules/<release>/<this>,
 * one module path per line relative to that directory, dependencies first. */
#define INIT_VM_MODULE_LIST "bench.modules"

/* Mount /proc, /sys and /dev (devtmpfs). */
int init_vm_mount(struct iso_err *err);

/* Load every module of the list for the running kernel, in order, with
 * finit_module(2); already-loaded (built-in) modules are fine. */
int init_vm_load_modules(struct iso_err *err);

#endif
