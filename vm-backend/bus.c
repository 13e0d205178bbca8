/* Port I/O and MMIO buses: a small sorted-by-nothing range table (a VM has
 * a handful of devices), an rwlock so that BAR moves may race with
 * dispatch on other vCPUs, and handlers called outside the lock. */
#include "bus.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int bus_init(struct bus *bus, const char *name, struct iso_err *err)
{
	int r;

	memset(bus, 0, sizeof(*bus));
	bus->name = name;
	r = pthread_rwlock_init(&bus->lock, NULL);
	if (r)
		return iso_err_set(err, -r, "%s bus: pthread_rwlock_init", name);
	bus->lock_ready = true;
	return 0;
}

void bus_destroy(struct bus *bus)
{
	free(bus->ranges);
	bus->ranges = NULL;
	bus->count = bus->cap = 0;
	if (bus->lock_ready)
		pthread_rwlock_destroy(&bus->lock);
	bus->lock_ready = false;
}

/* Does [base, base+len) intersect a mapped range other than `skip`? Both
 * ranges are known not to wrap. */
static const struct bus_range *bus_find_overlap(const struct bus *bus, uint64_t base, uint64_t len,
						const struct bus_range *skip)
{
	for (size_t i = 0; i < bus->count; i++) {
		const struct bus_range *r = &bus->ranges[i];

		if (r == skip || r->base == 0)
			continue;
		if (base < r->base + r->len && r->base < base + len)
			return r;
	}
	return NULL;
}

static int bus_check_range(const struct bus *bus, uint64_t base, uint64_t len, const char *name,
			   struct iso_err *err)
{
	if (len == 0 || base + len < base)
		return iso_err_input(err, -EINVAL, "%s bus: %s: bad range 0x%llx+0x%llx", bus->name,
				     name, (unsigned long long)base, (unsigned long long)len);
	return 0;
}

int bus_register(struct bus *bus, uint64_t base, uint64_t len, const struct bus_ops *ops,
		 void *opaque, const char *name, struct iso_err *err)
{
	const struct bus_range *clash;
	int r = bus_check_range(bus, base, len, name, err);

	if (r < 0)
		return r;
	pthread_rwlock_wrlock(&bus->lock);
	clash = base ? bus_find_overlap(bus, base, len, NULL) : NULL;
	if (clash) {
		r = iso_err_input(err, -EEXIST,
				  "%s bus: %s at 0x%llx+0x%llx overlaps %s at 0x%llx+0x%llx",
				  bus->name, name, (unsigned long long)base,
				  (unsigned long long)len, clash->name,
				  (unsigned long long)clash->base, (unsigned long long)clash->len);
		goto out;
	}
	if (bus->count == bus->cap) {
		size_t cap = bus->cap ? bus->cap * 2 : 8;
		struct bus_range *n = realloc(bus->ranges, cap * sizeof(*n));

		if (!n) {
			r = iso_err_set(err, -ENOMEM, "%s bus: register %s", bus->name, name);
			goto out;
		}
		bus->ranges = n;
		bus->cap = cap;
	}
	bus->ranges[bus->count++] = (struct bus_range){
		.base = base, .len = len, .ops = ops, .opaque = opaque, .name = name};
out:
	pthread_rwlock_unlock(&bus->lock);
	return r;
}

int bus_move(struct bus *bus, uint64_t old_base, uint64_t new_base, void *opaque,
	     struct iso_err *err)
{
	struct bus_range *range = NULL;
	const struct bus_range *clash;
	int r = 0;

	pthread_rwlock_wrlock(&bus->lock);
	for (size_t i = 0; i < bus->count && !range; i++)
		if (bus->ranges[i].base == old_base && bus->ranges[i].opaque == opaque)
			range = &bus->ranges[i];
	if (!range) {
		r = iso_err_input(err, -ENOENT, "%s bus: nothing registered at 0x%llx", bus->name,
				  (unsigned long long)old_base);
		goto out;
	}
	if (new_base) {
		r = bus_check_range(bus, new_base, range->len, range->name, err);
		if (r < 0)
			goto out;
		clash = bus_find_overlap(bus, new_base, range->len, range);
		if (clash) {
			r = iso_err_input(err, -EEXIST, "%s bus: moving %s to 0x%llx overlaps %s",
					  bus->name, range->name, (unsigned long long)new_base,
					  clash->name);
			goto out;
		}
	}
	range->base = new_base;
out:
	pthread_rwlock_unlock(&bus->lock);
	return r;
}

bool bus_dispatch(struct bus *bus, uint64_t addr, void *data, uint32_t len, bool is_write)
{
	struct bus_range hit = {0};

	pthread_rwlock_rdlock(&bus->lock);
	for (size_t i = 0; i < bus->count; i++) {
		const struct bus_range *r = &bus->ranges[i];

		if (r->base && addr >= r->base && addr - r->base < r->len) {
			hit = *r;
			break;
		}
	}
	pthread_rwlock_unlock(&bus->lock);
	if (!hit.ops) {
		__atomic_add_fetch(&bus->unhandled, 1, __ATOMIC_RELAXED);
		if (!is_write)
			memset(data, 0xff, len);
		return false;
	}
	if (is_write) {
		if (hit.ops->write)
			hit.ops->write(hit.opaque, addr - hit.base, data, len);
	} else if (hit.ops->read) {
		hit.ops->read(hit.opaque, addr - hit.base, data, len);
	} else {
		memset(data, 0xff, len);
	}
	return true;
}
