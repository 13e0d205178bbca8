/* Rootfs, pivot_root, /proc, /dev, /tmp, binds, masked and read-only paths. */
#include "ctr_mount.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"

/* Small fixed tmpfs sizes: nothing in a benchmark container needs more. */
#define CTR_DEV_OPTS "mode=755,size=1024k"
#define CTR_SHM_OPTS "mode=1777,size=65536k"
#define CTR_TMP_OPTS "mode=1777,size=65536k"

/* The flags of our /dev, which its read-only remount repeats. */
#define CTR_DEV_FLAGS (MS_NOSUID | MS_NOEXEC)
/* The flags of our /proc, which its read-only binds repeat on remount. */
#define CTR_PROC_FLAGS (MS_NOSUID | MS_NODEV | MS_NOEXEC)

static const char *const mount_points[] = {"proc", "dev", "tmp"};

/* runc spec defaults (runtime-spec config-linux.md) under /proc;
 * directories get an empty tmpfs, files /dev/null. /sys/firmware, the one
 * under /sys, is masked with sysfs (ctr_mount_sysfs()). */
static const struct {
	const char *path;
	bool dir;
} masked_paths[] = {
	{"/proc/acpi", true},	      {"/proc/asound", true},	      {"/proc/kcore", false},
	{"/proc/keys", false},	      {"/proc/latency_stats", false}, {"/proc/timer_list", false},
	{"/proc/timer_stats", false}, {"/proc/sched_debug", false},   {"/proc/scsi", true},
};
static const char *const readonly_paths[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

/* Devices of a minimal /dev (devices.txt: major 1 memory devices, 5 tty). */
static const struct {
	const char *name;
	unsigned int major, minor;
} dev_nodes[] = {
	{"null", 1, 3},	  {"zero", 1, 5},    {"full", 1, 7},
	{"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
};

int ctr_mount_check_rootfs(const char *rootfs, struct iso_err *err)
{
	cleanup_close int dfd = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;

	if (dfd < 0)
		return iso_err_set(err, -errno, "rootfs %s", rootfs);
	for (size_t i = 0; i < sizeof(mount_points) / sizeof(mount_points[0]); i++)
		if (fstatat(dfd, mount_points[i], &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode))
			return iso_err_input(err, -ENOTDIR, "rootfs %s lacks the directory /%s",
					     rootfs, mount_points[i]);
	return 0;
}

static int do_mount(const char *src, const char *dst, const char *type, unsigned long flags,
		    const char *data, struct iso_err *err)
{
	if (mount(src, dst, type, flags, data) < 0)
		return iso_err_set(err, -errno, "mount %s on %s",
				   type	 ? type
				   : src ? src
					 : "(remount)",
				   dst);
	return 0;
}

/* A bind mount keeps the flags of the mount it came from; a remount must
 * repeat the locked ones (nosuid, nodev, noexec) or a user namespace gets
 * EPERM (mount(2), "MS_REMOUNT"). */
static int remount_ro(const char *path, struct iso_err *err)
{
	struct statvfs sv;
	unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY;

	if (statvfs(path, &sv) < 0)
		return iso_err_set(err, -errno, "statvfs %s", path);
	flags |= sv.f_flag &
		 (ST_NOSUID | ST_NODEV | ST_NOEXEC | ST_NOATIME | ST_NODIRATIME | ST_RELATIME);
	return do_mount(NULL, path, NULL, flags, NULL, err);
}

/* The device nodes, created with umask 0 so that their modes are exact
 * without a chmod each. */
static int make_nodes(bool userns, struct iso_err *err)
{
	char path[32], host[32];
	int r;

	for (size_t i = 0; i < sizeof(dev_nodes) / sizeof(dev_nodes[0]); i++) {
		snprintf(path, sizeof(path), "dev/%s", dev_nodes[i].name);
		/* mknod is one syscall; a user namespace may not create device
		 * nodes, so there the host's node is bind-mounted instead. */
		if (!userns && mknod(path, S_IFCHR | 0666,
				     makedev(dev_nodes[i].major, dev_nodes[i].minor)) == 0)
			continue;
		cleanup_close int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
		if (fd < 0)
			return iso_err_set(err, -errno, "create %s", path);
		snprintf(host, sizeof(host), "/dev/%s", dev_nodes[i].name);
		if ((r = do_mount(host, path, NULL, MS_BIND, NULL, err)) < 0)
			return r;
	}
	/* A private devpts instance: ptys of the host stay invisible. */
	if (mkdir("dev/pts", 0755) < 0 || mkdir("dev/shm", 01777) < 0)
		return iso_err_set(err, -errno, "mkdir dev/pts, dev/shm");
	return 0;
}

static int make_dev(bool userns, struct iso_err *err)
{
	mode_t mask;
	int r;

	/* /dev is a small tmpfs of our own: nothing of the host's /dev shows. */
	if ((r = do_mount("tmpfs", "dev", "tmpfs", CTR_DEV_FLAGS, CTR_DEV_OPTS, err)) < 0)
		return r;
	mask = umask(0);
	r = make_nodes(userns, err);
	umask(mask);
	if (r < 0)
		return r;
	if ((r = do_mount("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
			  "newinstance,ptmxmode=0666,mode=0620", err)) < 0 ||
	    (r = do_mount("shm", "dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, CTR_SHM_OPTS,
			  err)) < 0)
		return r;
	if (symlink("pts/ptmx", "dev/ptmx") < 0 || symlink("/proc/self/fd", "dev/fd") < 0 ||
	    symlink("/proc/self/fd/0", "dev/stdin") < 0 ||
	    symlink("/proc/self/fd/1", "dev/stdout") < 0 ||
	    symlink("/proc/self/fd/2", "dev/stderr") < 0)
		return iso_err_set(err, -errno, "symlinks in /dev");
	return 0;
}

/* Create the bind target when missing (possible on the tmpfs mounts, where
 * tests put their probes), matching the source's type. */
static int bind_one(const struct ctr_bind *b, struct iso_err *err)
{
	char dst[PATH_MAX];
	struct stat st;
	int r;

	snprintf(dst, sizeof(dst), ".%s", b->dst);
	if (stat(b->src, &st) < 0)
		return iso_err_set(err, -errno, "bind source %s", b->src);
	if (access(dst, F_OK) < 0) {
		if (S_ISDIR(st.st_mode))
			r = mkdir(dst, 0755);
		else
			r = close(open(dst, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
		if (r < 0)
			return iso_err_set(err, -errno, "bind target %s", b->dst);
	}
	if ((r = do_mount(b->src, dst, NULL, MS_BIND | MS_REC, NULL, err)) < 0)
		return r;
	return remount_ro(dst, err);
}

int ctr_mount_enter(const struct ctr_config *cfg, bool userns, struct iso_err *err)
{
	int r;

	/* 1. No mount event may propagate back to the host (or in). */
	if ((r = do_mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL, err)) < 0)
		return r;
	/* 2. pivot_root wants the new root to be a mount point: bind the
	 *    rootfs onto itself, non-recursively (nothing below it is ours). */
	if ((r = do_mount(cfg->rootfs, cfg->rootfs, NULL, MS_BIND, NULL, err)) < 0)
		return r;
	/* 3. Work relative to the new root from here on. */
	if (chdir(cfg->rootfs) < 0)
		return iso_err_set(err, -errno, "chdir %s", cfg->rootfs);
	/* 4. A /proc that shows the new PID namespace. */
	if ((r = do_mount("proc", "proc", "proc", CTR_PROC_FLAGS, NULL, err)) < 0)
		return r;
	/* 5. /dev with only the harmless devices; /tmp the one writable dir. */
	if ((r = make_dev(userns, err)) < 0 ||
	    (r = do_mount("tmpfs", "tmp", "tmpfs", MS_NOSUID | MS_NODEV, CTR_TMP_OPTS, err)) < 0)
		return r;
	for (size_t i = 0; i < cfg->nbinds; i++)
		if ((r = bind_one(&cfg->binds[i], err)) < 0)
			return r;
	/* 6. /dev read-only once populated: the container keeps CAP_MKNOD
	 *    (the default set) and has no device cgroup, so a writable /dev
	 *    without nodev would let it make and open any host device.
	 *    Writing to the nodes still works; /dev/pts and /dev/shm are
	 *    mounts of their own and stay writable. */
	if ((r = do_mount(NULL, "dev", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | CTR_DEV_FLAGS, NULL,
			  err)) < 0)
		return r;
	/* 7. The shared rootfs is read-only for every instance. */
	if (!cfg->rootfs_rw && (r = remount_ro(".", err)) < 0)
		return r;
	/* 8. pivot_root(".", "."): the old root ends stacked on the new one,
	 *    so a read-only rootfs needs no old_root directory; it is
	 *    detached by ctr_mount_detach_old_root(). Lookups from "/" start below it,
	 *    on the new root. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return iso_err_set(err, -errno, "pivot_root");
	return 0;
}

/* The first directory masked; later ones get a bind of it: one empty
 * tmpfs for all (each superblock costs its set-up and, at the container's
 * exit, its teardown). Only the child masks, single-threaded (with
 * the monitor's memory, ctr_run.c: the monitor never reads this). */
static const char *first_masked_dir;

static int mask_dir(const char *path)
{
	int rc = first_masked_dir ? mount(first_masked_dir, path, NULL, MS_BIND, NULL)
				  : mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=0");

	if (rc == 0 && !first_masked_dir)
		first_masked_dir = path;
	return rc;
}

/* Hide `path` under an empty read-only tmpfs (a directory) or /dev/null (a
 * file). No stat first: the mount itself says ENOENT where the kernel has
 * no such path (nothing to hide) and ENOTDIR where it has the other kind. */
static int mask(const char *path, bool dir, struct iso_err *err)
{
	for (int kind = 0; kind < 2; kind++, dir = !dir) {
		int rc = dir ? mask_dir(path) : mount("/dev/null", path, NULL, MS_BIND, NULL);
		if (rc == 0 || errno == ENOENT)
			return 0;
		if (errno != ENOTDIR)
			break;
	}
	return iso_err_set(err, -errno, "mask %s", path);
}

int ctr_mount_harden(struct iso_err *err)
{
	int r;

	for (size_t i = 0; i < sizeof(masked_paths) / sizeof(masked_paths[0]); i++)
		if ((r = mask(masked_paths[i].path, masked_paths[i].dir, err)) < 0)
			return r;
	/* Under our /proc, whose flags are known: no statvfs per path. */
	for (size_t i = 0; i < sizeof(readonly_paths) / sizeof(readonly_paths[0]); i++) {
		const char *p = readonly_paths[i];
		if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0) {
			if (errno == ENOENT)
				continue;
			return iso_err_set(err, -errno, "bind %s", p);
		}
		if ((r = do_mount(NULL, p, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | CTR_PROC_FLAGS,
				  NULL, err)) < 0)
			return r;
	}
	return 0;
}

int ctr_mount_sysfs(struct iso_err *err)
{
	int r;

	if (access("/sys", F_OK) < 0)
		return 0;
	if ((r = do_mount("sysfs", "/sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			  NULL, err)) < 0)
		return r;
	return mask("/sys/firmware", true, err);
}

int ctr_mount_detach_old_root(struct iso_err *err)
{
	/* The old root, on top of the cwd (the new root), goes with the
	 * host's tree below it. */
	if (umount2(".", MNT_DETACH) < 0)
		return iso_err_set(err, -errno, "detach old root");
	/* pivot_root does not promise the cwd: go to the new root. */
	if (chdir("/") < 0)
		return iso_err_set(err, -errno, "chdir /");
	return 0;
}
