/* The cpu workload's fixed compute kernel: integer only, one dependent
 * chain, so its result is the same on every machine and compiler and its
 * time measures the core, not memory. */
#ifndef BENCH_CPU_KERNEL_H
#define BENCH_CPU_KERNEL_H

#include <stdint.h>

/* Run `iter` rounds; returns the checksum of the final state. */
uint64_t cpu_kernel_run(uint64_t iter);

#endif
