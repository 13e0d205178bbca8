/* /proc/self readers for the workloads. */
#include "proc_self.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "cleanup.h"

int proc_self_rss_kib(uint64_t *kib, struct iso_err *err)
{
	cleanup_close int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
	unsigned long long size, resident;
	char buf[128];
	ssize_t n;

	if (fd < 0)
		return iso_err_set(err, -errno, "open /proc/self/statm");
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return iso_err_set(err, -errno, "read /proc/self/statm");
	buf[n] = '\0';
	if (sscanf(buf, "%llu %llu", &size, &resident) != 2)
		return iso_err_input(err, -EPROTO, "/proc/self/statm: unexpected '%s'", buf);
	*kib = resident * (uint64_t)sysconf(_SC_PAGESIZE) / 1024;
	return 0;
}
