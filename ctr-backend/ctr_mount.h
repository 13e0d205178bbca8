/* The container's filesystem view, built inside its private mount
 * namespace: the rootfs (read-only bind, shared between instances) entered
 * with pivot_root, a fresh /proc, a minimal /dev, tmpfs /tmp, read-only
 * /sys, the caller's binds, and the OCI default masked and read-only paths
 * (runtime-spec config-linux.md "maskedPaths"/"readonlyPaths"; the lists
 * are those of `runc spec`). */
#ifndef ISOCTR_CTR_MOUNT_H
#define ISOCTR_CTR_MOUNT_H

#include <stdbool.h>

#include "ctr.h"
#include "err.h"

/* Host-side check before anything is created: the rootfs is a directory
 * holding the mount points the set-up needs (/proc, /dev, /tmp). */
int ctr_mount_check_rootfs(const char *rootfs, struct iso_err *err);

/* In the child, in its new mount namespace: everything up to and
 * including pivot_root; the process ends with "/" the container's root,
 * the old root still attached above it. `userns`: device nodes are
 * bind-mounted instead of created. */
int ctr_mount_enter(const struct ctr_config *cfg, bool userns, struct iso_err *err);

/* After ctr_mount_enter(): mask and write-protect the OCI default paths
 * under /proc. */
int ctr_mount_harden(struct iso_err *err);

/* After ctr_mount_enter(): detach the old root (and the host's tree below
 * it) and move to the new root. */
int ctr_mount_detach_old_root(struct iso_err *err);

/* Once the process is in the container's network namespace (sysfs shows
 * the network devices of its mounter's): /sys read-only where the rootfs
 * has the directory, /sys/firmware masked. Before
 * ctr_mount_detach_old_root(): in a user namespace the kernel allows a new
 * sysfs only while a fully visible one (the host's, in the old root) is in
 * the namespace (mount_too_revealing()). */
int ctr_mount_sysfs(struct iso_err *err);

#endif
