/* Fixed compute kernel: xorshift64* feeding a multiply-rotate accumulator. */
#include "cpu_kernel.h"

uint64_t cpu_kernel_run(uint64_t iter)
{
	/* Seed and multipliers: xorshift64* (Vigna, "An experimental
	 * exploration of Marsaglia's xorshift generators", 2016) and the
	 * 64-bit golden-ratio constant for the accumulator. */
	uint64_t x = 0x9e3779b97f4a7c15ull, acc = 0;

	for (uint64_t i = 0; i < iter; i++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		acc += x * 0x2545f4914f6cdd1dull;
		acc = (acc << 13 | acc >> 51) * 0x9e3779b97f4a7c15ull;
	}
	return acc;
}
