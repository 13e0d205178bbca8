/* Address-range buses (port I/O and MMIO): registration with overlap
 * checks, and dispatch of a guest access to the device that owns it. */
#ifndef ISOVM_BUS_H
#define ISOVM_BUS_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "vm.h"

struct bus_range {
	uint64_t base; /* 0: unmapped (registered, never dispatched) */
	uint64_t len;
	const struct bus_ops *ops;
	void *opaque;
	const char *name;
};

struct bus {
	const char *name; /* "pio" or "mmio", for messages */
	pthread_rwlock_t lock;
	bool lock_ready;
	struct bus_range *ranges;
	size_t count;
	size_t cap;
	unsigned long unhandled; /* accesses that hit no range */
};

int bus_init(struct bus *bus, const char *name, struct iso_err *err);
/* Idempotent. */
void bus_destroy(struct bus *bus);

/* See vm_bus_register()/vm_bus_move() in vm.h. */
int bus_register(struct bus *bus, uint64_t base, uint64_t len, const struct bus_ops *ops,
		 void *opaque, const char *name, struct iso_err *err);
int bus_move(struct bus *bus, uint64_t old_base, uint64_t new_base, void *opaque,
	     struct iso_err *err);

/* Deliver one access of `len` bytes at `addr`. Returns true when a device
 * took it; false when none did (a read then yields all ones, and the
 * access is counted in bus->unhandled). The handler runs without the bus
 * lock held, so it may call bus_move(). */
bool bus_dispatch(struct bus *bus, uint64_t addr, void *data, uint32_t len, bool is_write);

#endif
