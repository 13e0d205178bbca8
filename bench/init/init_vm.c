/* VM-only init steps: kernel file systems and the NIC driver modules. */
#include "init_vm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#include "cleanup.h"

/* The module list is a few lines; more would be a broken image. */
#define MODULE_LIST_MAX 4096

int init_vm_mount(struct iso_err *err)
{
	static const struct {
		const char *fstype, *target;
		unsigned long flags;
	} mounts[] = {
		{"proc", "/proc", MS_NOSUID | MS_NODEV | MS_NOEXEC},
		{"sysfs", "/sys", MS_NOSUID | MS_NODEV | MS_NOEXEC},
		{"devtmpfs", "/dev", MS_NOSUID},
	};

	for (size_t i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++) {
		if (mount(mounts[i].fstype, mounts[i].target, mounts[i].fstype, mounts[i].flags,
			  NULL) < 0 &&
		    errno != EBUSY)
			return iso_err_set(err, -errno, "mount %s on %s", mounts[i].fstype,
					   mounts[i].target);
	}
	return 0;
}

static int module_load(int dirfd, const char *path, struct iso_err *err)
{
	cleanup_close int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return iso_err_set(err, -errno, "open module %s", path);
	/* glibc has no wrapper for finit_module(2). */
	if (syscall(SYS_finit_module, fd, "", 0) < 0 && errno != EEXIST)
		return iso_err_set(err, -errno, "load module %s", path);
	return 0;
}

int init_vm_load_modules(struct iso_err *err)
{
	char dir[64 + sizeof(((struct utsname *)0)->release)], list[MODULE_LIST_MAX + 1];
	cleanup_close int dirfd = -1, lfd = -1;
	struct utsname u;
	char *line, *save;
	ssize_t n;

	uname(&u);
	snprintf(dir, sizeof(dir), "/lib/modules/%s", u.release);
	dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return iso_err_set(err, -errno, "modules for kernel %s: open %s", u.release, dir);
	lfd = openat(dirfd, INIT_VM_MODULE_LIST, O_RDONLY | O_CLOEXEC);
	if (lfd < 0)
		return iso_err_set(err, -errno, "open %s/%s", dir, INIT_VM_MODULE_LIST);
	n = read(lfd, list, MODULE_LIST_MAX + 1);
	if (n < 0)
		return iso_err_set(err, -errno, "read %s/%s", dir, INIT_VM_MODULE_LIST);
	if (n > MODULE_LIST_MAX)
		return iso_err_input(err, -EFBIG, "%s/%s: longer than %d bytes", dir,
				     INIT_VM_MODULE_LIST, MODULE_LIST_MAX);
	list[n] = '\0';
	for (line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (module_load(dirfd, line, err) < 0)
			return iso_err_wrap(err, "%s", dir);
	}
	return 0;
}
