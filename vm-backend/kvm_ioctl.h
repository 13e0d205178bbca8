/* The one way isovm calls KVM: an ioctl wrapper that retries EINTR where
 * the request allows it and names the request in its error message. */
#ifndef ISOVM_KVM_IOCTL_H
#define ISOVM_KVM_IOCTL_H

#include <linux/kvm.h>
#include <stdint.h>

#include "err.h"

/* ioctl(fd, req, arg); on failure records "<name>: <strerror>" in `err`
 * and returns -errno; else the ioctl's (non-negative) result. */
int kvm_ioctl_named(int fd, unsigned long req, const char *name, void *arg, struct iso_err *err);

/* Compile-time check inside an expression (a struct may hold a static
 * assertion, C11 6.7.2.1). */
#define KVM_IOCTL_ASSERT(cond, msg)                                                                \
	((void)sizeof(struct {                                                                     \
		_Static_assert(cond, msg);                                                         \
		int x;                                                                             \
	}))

/* kvm_ioctl(fd, KVM_SET_SREGS, &sregs, err): requests that take a pointer;
 * the pointee's size must be the one encoded in the request (_IOC_SIZE),
 * and the request's name goes into the error message ("KVM_SET_SREGS:
 * Invalid argument"). */
#define kvm_ioctl(fd, req, ptr, err)                                                               \
	(KVM_IOCTL_ASSERT(_IOC_SIZE(req) == sizeof(*(ptr)), #req ": argument size"),               \
	 kvm_ioctl_named((fd), (req), #req, (void *)(ptr), (err)))

/* kvm_ioctl_val(fd, KVM_CREATE_VCPU, index, err): requests without a
 * pointer argument (_IO), which take an integer or nothing (0). */
#define kvm_ioctl_val(fd, req, val, err)                                                           \
	(KVM_IOCTL_ASSERT(_IOC_SIZE(req) == 0, #req ": takes a pointer"),                          \
	 kvm_ioctl_named((fd), (req), #req, (void *)(uintptr_t)(val), (err)))

#endif
