/* The one way isovm calls KVM: an ioctl wrapper that retries EINTR where
 * the request allows it and names the request in its error message. */
#ifndef ISOVM_KVM_IOCTL_H
#define ISOVM_KVM_IOCTL_H

#include <linux/kvm.h>

#include "err.h"

/* ioctl(fd, req, arg); on failure records "<name>: <strerror>" in `err`
 * and returns -errno; else the ioctl's (non-negative) result. */
int kvm_ioctl_named(int fd, unsigned long req, const char *name, void *arg, struct iso_err *err);

/* kvm_ioctl(fd, KVM_CREATE_VM, arg, err): the request's name comes from
 * the macro argument, so messages read "KVM_SET_SREGS: Invalid argument". */
#define kvm_ioctl(fd, req, arg, err) kvm_ioctl_named((fd), (req), #req, (void *)(arg), (err))

#endif
