/* The VM object: KVM VM with in-kernel irqchip and PIT, guest memory,
 * buses, devices, vCPUs, and the main thread's I/O loop that also waits
 * for stop requests, signals and the timeout. */
#include "vm.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "bus.h"
#include "clock.h"
#include "cpuid.h"
#include "guest_mem.h"
#include "kvm_ioctl.h"
#include "port_wire.h"
#include "vcpu.h"
#include "vm_core.h"

#define KVM_API_VERSION_EXPECTED 12 /* KVM API doc: "always 12" */
#define VM_IO_FDS_MAX		 16
#define VM_LOG_UNHANDLED_MAX	 64  /* --verbose: log this many, then count */
#define VM_EVENT_LINE_MAX	 256 /* bench_event_format() says when one is longer */

struct vm_io_fd {
	int fd;
	vm_io_fn fn;
	void *opaque;
};

struct vm {
	struct vm_config cfg;
	int kvm_fd;
	int vm_fd;
	size_t vcpu_mmap_size;
	struct guest_mem mem;
	struct bus pio;
	struct bus mmio;
	struct kvm_cpuid2 *cpuid;
	struct vcpu *vcpus;
	unsigned int vcpus_created;
	void **device_priv; /* one per vm_devices[] row */
	size_t devices_set_up;

	int epoll_fd;
	int stop_fd; /* eventfd: a stop was requested */
	int signal_fd;
	int timer_fd;
	struct vm_io_fd io[VM_IO_FDS_MAX];

	int status; /* -1 until the first stop request */
	pthread_mutex_t fail_lock;
	struct iso_err fail;
	unsigned long logged_unhandled;
};

/* Tags for the I/O loop's own descriptors (epoll data.u64); device fds
 * carry their slot index + VM_IO_TAG_DEVICE. */
enum {
	VM_IO_TAG_STOP = 1,
	VM_IO_TAG_SIGNAL,
	VM_IO_TAG_TIMER,
	VM_IO_TAG_DEVICE = 16,
};

struct guest_mem *vm_guest_mem(struct vm *vm)
{
	return &vm->mem;
}

const struct vm_config *vm_config(struct vm *vm)
{
	return &vm->cfg;
}

int vm_kvm_fd(struct vm *vm)
{
	return vm->kvm_fd;
}

int vm_fd(struct vm *vm)
{
	return vm->vm_fd;
}

size_t vm_vcpu_mmap_size(struct vm *vm)
{
	return vm->vcpu_mmap_size;
}

void vm_log(struct vm *vm, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	if (!vm->cfg.verbose)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "isovm: %s\n", line);
}

bool vm_stop_requested(struct vm *vm)
{
	return __atomic_load_n(&vm->status, __ATOMIC_ACQUIRE) >= 0;
}

int vm_write_all(struct vm *vm, int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			n = vm_stop_requested(vm) ? -ECANCELED : 0;
		else if (n < 0)
			n = -errno;
		if (n < 0)
			return (int)n;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int vm_write_event(struct vm *vm, int fd, const struct bench_event *ev, struct iso_err *err)
{
	char line[VM_EVENT_LINE_MAX];
	int n = bench_event_format(ev, line, sizeof(line));

	if (n < 0)
		return iso_err_input(err, n, "event: cannot format message type %d",
				     (int)ev->msg.type);
	n = vm_write_all(vm, fd, line, (size_t)n);
	return n < 0 ? iso_err_set(err, n, "event: write to fd %d", fd) : 0;
}

void vm_emit_phase(struct vm *vm, const char *name)
{
	struct bench_event ev = {.t_ns = clock_mono_ns(), .msg.type = BENCH_MSG_PHASE};
	struct iso_err err = {0};

	if (vm->cfg.events_fd < 0)
		return;
	snprintf(ev.msg.key, sizeof(ev.msg.key), "%s", name);
	if (vm_write_event(vm, vm->cfg.events_fd, &ev, &err) < 0)
		vm_log(vm, "%s", err.msg);
}

void vm_request_stop(struct vm *vm, int status)
{
	int none = -1;
	uint64_t one = 1;

	if (status < 0)
		status = ISOVM_EXIT_HOST;
	if (!__atomic_compare_exchange_n(&vm->status, &none, status, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE))
		return;
	/* Wake the I/O loop, which kicks the vCPUs. */
	if (write(vm->stop_fd, &one, sizeof(one)) < 0)
		vm_log(vm, "stop: eventfd write failed");
}

void vm_fail(struct vm *vm, const struct iso_err *err)
{
	pthread_mutex_lock(&vm->fail_lock);
	if (!vm->fail.code)
		vm->fail = *err;
	if (!vm->fail.code)
		vm->fail.code = -EIO;
	pthread_mutex_unlock(&vm->fail_lock);
	vm_request_stop(vm, ISOVM_EXIT_HOST);
}

void vm_dispatch(struct vm *vm, enum vm_bus_kind kind, uint64_t addr, void *data, uint32_t len,
		 bool is_write)
{
	struct bus *bus = kind == VM_BUS_PIO ? &vm->pio : &vm->mmio;

	if (bus_dispatch(bus, addr, data, len, is_write) || !vm->cfg.verbose)
		return;
	if (__atomic_add_fetch(&vm->logged_unhandled, 1, __ATOMIC_RELAXED) <= VM_LOG_UNHANDLED_MAX)
		vm_log(vm, "ignored %s %s 0x%llx (%u bytes)", bus->name,
		       is_write ? "write" : "read", (unsigned long long)addr, len);
}

int vm_bus_register(struct vm *vm, enum vm_bus_kind kind, uint64_t base, uint64_t len,
		    const struct bus_ops *ops, void *opaque, const char *name, struct iso_err *err)
{
	return bus_register(kind == VM_BUS_PIO ? &vm->pio : &vm->mmio, base, len, ops, opaque, name,
			    err);
}

int vm_bus_move(struct vm *vm, enum vm_bus_kind kind, uint64_t old_base, uint64_t new_base,
		void *opaque, struct iso_err *err)
{
	return bus_move(kind == VM_BUS_PIO ? &vm->pio : &vm->mmio, old_base, new_base, opaque, err);
}

int vm_irq_line(struct vm *vm, unsigned int gsi, int level)
{
	struct kvm_irq_level irq = {.irq = gsi, .level = level ? 1 : 0};

	return kvm_ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq, NULL);
}

int vm_signal_msi(struct vm *vm, uint64_t addr, uint32_t data)
{
	struct kvm_msi msi = {
		.address_lo = (uint32_t)addr, .address_hi = (uint32_t)(addr >> 32), .data = data};

	return kvm_ioctl(vm->vm_fd, KVM_SIGNAL_MSI, &msi, NULL);
}

int vm_io_add_fd(struct vm *vm, int fd, uint32_t events, vm_io_fn fn, void *opaque,
		 struct iso_err *err)
{
	for (size_t i = 0; i < VM_IO_FDS_MAX; i++) {
		struct epoll_event ev = {.events = events, .data.u64 = VM_IO_TAG_DEVICE + i};

		if (vm->io[i].fn)
			continue;
		if (epoll_ctl(vm->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0)
			return iso_err_set(err, -errno, "io loop: add fd %d", fd);
		vm->io[i] = (struct vm_io_fd){.fd = fd, .fn = fn, .opaque = opaque};
		return 0;
	}
	return iso_err_input(err, -ENOSPC, "io loop: more than %d descriptors", VM_IO_FDS_MAX);
}

void vm_io_del_fd(struct vm *vm, int fd)
{
	for (size_t i = 0; i < VM_IO_FDS_MAX; i++) {
		if (vm->io[i].fn && vm->io[i].fd == fd) {
			epoll_ctl(vm->epoll_fd, EPOLL_CTL_DEL, fd, NULL);
			vm->io[i] = (struct vm_io_fd){.fd = -1};
		}
	}
}

static int vm_epoll_add(struct vm *vm, int fd, uint64_t tag, struct iso_err *err)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = tag};

	if (epoll_ctl(vm->epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return iso_err_set(err, -errno, "io loop: epoll_ctl");
	return 0;
}

static int vm_kvm_open(struct vm *vm, struct iso_err *err)
{
	static const struct {
		unsigned int cap;
		const char *name;
	} caps[] = {
		{KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP"},
		{KVM_CAP_PIT2, "KVM_CAP_PIT2"},
		{KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY"},
		{KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT"},
		{KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR"},
		{KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID"},
	};
	int r;

	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		return iso_err_set(err, -errno, "open /dev/kvm");
	r = kvm_ioctl_val(vm->kvm_fd, KVM_GET_API_VERSION, 0, err);
	if (r < 0)
		return r;
	if (r != KVM_API_VERSION_EXPECTED)
		return iso_err_input(err, -ENOTSUP, "KVM API version %d, expected %d", r,
				     KVM_API_VERSION_EXPECTED);
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		r = kvm_ioctl_val(vm->kvm_fd, KVM_CHECK_EXTENSION, caps[i].cap, err);
		if (r < 0)
			return r;
		if (r == 0)
			return iso_err_input(err, -ENOTSUP, "KVM lacks %s", caps[i].name);
	}
	r = kvm_ioctl_val(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0, err);
	if (r < 0)
		return r;
	vm->vcpu_mmap_size = (size_t)r;
	return cpuid_supported(vm->kvm_fd, &vm->cpuid, err);
}

static int vm_kvm_machine(struct vm *vm, struct iso_err *err)
{
	uint64_t idmap = VM_KVM_IDMAP_ADDR;
	/* SPEAKER_DUMMY: KVM also answers port 0x61 (PC speaker/NMI status),
	 * which the PIT calibration polls. */
	struct kvm_pit_config pit = {.flags = KVM_PIT_SPEAKER_DUMMY};
	struct kvm_userspace_memory_region region;
	int r;

	r = kvm_ioctl_val(vm->kvm_fd, KVM_CREATE_VM, 0, err);
	if (r < 0)
		return r;
	vm->vm_fd = r;
	/* Intel VMX needs a TSS and an identity-map page for real mode; SVM
	 * ignores them. Both sit above guest RAM, below the IOAPIC. */
	r = kvm_ioctl_val(vm->vm_fd, KVM_SET_TSS_ADDR, VM_KVM_TSS_ADDR, err);
	if (r >= 0)
		r = kvm_ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &idmap, err);
	if (r >= 0)
		r = kvm_ioctl_val(vm->vm_fd, KVM_CREATE_IRQCHIP, 0, err);
	if (r >= 0)
		r = kvm_ioctl(vm->vm_fd, KVM_CREATE_PIT2, &pit, err);
	if (r < 0)
		return r;
	r = guest_mem_create(&vm->mem, vm->cfg.mem_mib << 20, vm->cfg.hugepages, err);
	if (r < 0)
		return r;
	region = (struct kvm_userspace_memory_region){
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = vm->mem.size,
		.userspace_addr = (uintptr_t)vm->mem.host,
	};
	r = kvm_ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region, err);
	return r < 0 ? r : 0;
}

static int vm_loop_init(struct vm *vm, struct iso_err *err)
{
	vm->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (vm->epoll_fd < 0)
		return iso_err_set(err, -errno, "io loop: epoll_create1");
	vm->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->stop_fd < 0)
		return iso_err_set(err, -errno, "io loop: eventfd");
	return vm_epoll_add(vm, vm->stop_fd, VM_IO_TAG_STOP, err);
}

static int vm_devices_setup(struct vm *vm, struct iso_err *err)
{
	vm->device_priv = calloc(vm_devices_count ? vm_devices_count : 1, sizeof(void *));
	if (!vm->device_priv)
		return iso_err_set(err, -ENOMEM, "devices: allocate state table");
	for (size_t i = 0; i < vm_devices_count; i++) {
		int r;

		/* Counted first: teardown also runs for a half-built device. */
		vm->devices_set_up = i + 1;
		r = vm_devices[i].setup(vm, &vm->device_priv[i], err);
		if (r < 0)
			return iso_err_wrap(err, "device %s", vm_devices[i].name);
	}
	return 0;
}

static int vm_vcpus_create(struct vm *vm, struct iso_err *err)
{
	vm->vcpus = calloc(vm->cfg.cpus, sizeof(*vm->vcpus));
	if (!vm->vcpus)
		return iso_err_set(err, -ENOMEM, "vcpus: allocate");
	for (unsigned int i = 0; i < vm->cfg.cpus; i++) {
		int r;

		vm->vcpus_created = i + 1;
		r = vcpu_create(&vm->vcpus[i], vm, i, vm->cfg.cpus, vm->cpuid, err);
		if (r < 0)
			return r;
	}
	return 0;
}

int vm_create(const struct vm_config *cfg, struct vm **out, struct iso_err *err)
{
	struct vm *vm = calloc(1, sizeof(*vm));
	int r;

	*out = NULL;
	if (!vm)
		return iso_err_set(err, -ENOMEM, "vm: allocate");
	vm->cfg = *cfg;
	vm->kvm_fd = vm->vm_fd = vm->epoll_fd = vm->stop_fd = vm->signal_fd = vm->timer_fd = -1;
	vm->status = -1;
	for (size_t i = 0; i < VM_IO_FDS_MAX; i++)
		vm->io[i].fd = -1;
	pthread_mutex_init(&vm->fail_lock, NULL);
	r = bus_init(&vm->pio, "pio", err);
	if (r >= 0)
		r = bus_init(&vm->mmio, "mmio", err);
	if (r >= 0)
		r = vm_kvm_open(vm, err);
	if (r >= 0)
		r = vm_kvm_machine(vm, err);
	if (r >= 0)
		r = vm_loop_init(vm, err);
	if (r >= 0)
		r = vm_devices_setup(vm, err);
	if (r >= 0)
		r = vm_vcpus_create(vm, err);
	if (r < 0) {
		vm_destroy(vm);
		return r;
	}
	vm_emit_phase(vm, "vm_created");
	*out = vm;
	return 0;
}

static int vm_loop_signals(struct vm *vm, struct iso_err *err)
{
	sigset_t set;

	/* main() blocked these before anything else; here they become events. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	vm->signal_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (vm->signal_fd < 0)
		return iso_err_set(err, -errno, "io loop: signalfd");
	return vm_epoll_add(vm, vm->signal_fd, VM_IO_TAG_SIGNAL, err);
}

static int vm_loop_timer(struct vm *vm, struct iso_err *err)
{
	struct itimerspec its = {.it_value.tv_sec = vm->cfg.timeout_s};

	if (!vm->cfg.timeout_s)
		return 0;
	vm->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (vm->timer_fd < 0)
		return iso_err_set(err, -errno, "io loop: timerfd_create");
	if (timerfd_settime(vm->timer_fd, 0, &its, NULL) < 0)
		return iso_err_set(err, -errno, "io loop: timerfd_settime");
	return vm_epoll_add(vm, vm->timer_fd, VM_IO_TAG_TIMER, err);
}

static void vm_loop_event(struct vm *vm, const struct epoll_event *ev)
{
	struct signalfd_siginfo si;
	uint64_t tag = ev->data.u64;

	switch (tag) {
	case VM_IO_TAG_STOP:
		break; /* the status is already set */
	case VM_IO_TAG_SIGNAL:
		if (read(vm->signal_fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			vm_log(vm, "signal %u: stopping the guest", si.ssi_signo);
		vm_request_stop(vm, ISOVM_EXIT_SIGNAL);
		break;
	case VM_IO_TAG_TIMER:
		vm_request_stop(vm, ISOVM_EXIT_TIMEOUT);
		break;
	default:
		if (tag >= VM_IO_TAG_DEVICE && tag < VM_IO_TAG_DEVICE + VM_IO_FDS_MAX) {
			struct vm_io_fd *io = &vm->io[tag - VM_IO_TAG_DEVICE];

			if (io->fn)
				io->fn(io->opaque, ev->events);
		}
		break;
	}
}

static void vm_vcpus_stop(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->vcpus_created; i++)
		vcpu_kick(&vm->vcpus[i]);
	for (unsigned int i = 0; i < vm->vcpus_created; i++)
		vcpu_destroy(&vm->vcpus[i]);
}

int vm_run(struct vm *vm, const struct vcpu_entry *entry, struct iso_err *err)
{
	struct epoll_event evs[8];
	int r;

	r = vm_loop_signals(vm, err);
	if (r >= 0)
		r = vm_loop_timer(vm, err);
	if (r >= 0)
		r = vcpu_signals_init(err);
	if (r >= 0)
		r = vcpu_set_entry(&vm->vcpus[0], entry, err);
	for (unsigned int i = 0; r >= 0 && i < vm->cfg.cpus; i++)
		r = vcpu_start(&vm->vcpus[i], err);
	if (r < 0) {
		vm_request_stop(vm, ISOVM_EXIT_HOST);
		vm_vcpus_stop(vm);
		return r;
	}
	while (!vm_stop_requested(vm)) {
		int n = epoll_wait(vm->epoll_fd, evs, sizeof(evs) / sizeof(evs[0]), -1);

		if (n < 0 && errno != EINTR) {
			struct iso_err e = {0};

			iso_err_set(&e, -errno, "io loop: epoll_wait");
			vm_fail(vm, &e);
		}
		for (int i = 0; i < n; i++)
			vm_loop_event(vm, &evs[i]);
	}
	vm_vcpus_stop(vm);
	if (vm->status == ISOVM_EXIT_HOST && vm->fail.code)
		*err = vm->fail;
	return vm->status;
}

static void vm_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void vm_destroy(struct vm *vm)
{
	if (!vm)
		return;
	if (vm->vcpus) {
		if (vm->stop_fd >= 0)
			vm_request_stop(vm, ISOVM_EXIT_HOST);
		vm_vcpus_stop(vm);
	}
	free(vm->vcpus);
	vm->vcpus = NULL;
	vm->vcpus_created = 0;
	for (size_t i = vm->devices_set_up; i > 0; i--)
		vm_devices[i - 1].teardown(vm, vm->device_priv[i - 1]);
	vm->devices_set_up = 0;
	free(vm->device_priv);
	vm_log(vm, "unhandled accesses: %lu port, %lu mmio", vm->pio.unhandled, vm->mmio.unhandled);
	vm_close(&vm->timer_fd);
	vm_close(&vm->signal_fd);
	vm_close(&vm->stop_fd);
	vm_close(&vm->epoll_fd);
	guest_mem_destroy(&vm->mem);
	vm_close(&vm->vm_fd);
	vm_close(&vm->kvm_fd);
	free(vm->cpuid);
	bus_destroy(&vm->mmio);
	bus_destroy(&vm->pio);
	pthread_mutex_destroy(&vm->fail_lock);
	free(vm);
}
