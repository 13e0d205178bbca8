/* KVM ioctl wrapper: one error convention for every KVM request. */
#include "kvm_ioctl.h"

#include <errno.h>
#include <stdint.h>
#include <sys/ioctl.h>

int kvm_ioctl_named(int fd, unsigned long req, const char *name, void *arg, struct iso_err *err)
{
	int r;

	/* KVM_RUN is not retried here: EINTR is how a vCPU is kicked out. */
	do {
		r = ioctl(fd, req, arg);
	} while (r < 0 && errno == EINTR && req != KVM_RUN);
	if (r < 0)
		return iso_err_set(err, -errno, "%s", name);
	return r;
}
