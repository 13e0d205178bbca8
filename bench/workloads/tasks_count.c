/* Task census of a proc file system: processes, threads, kernel threads. */
#include "tasks_count.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"

/* include/linux/sched.h: "I am a kernel thread". */
#define PF_KTHREAD 0x00200000ul
/* Field number of `flags` in /proc/<pid>/stat (proc(5)). */
#define STAT_FIELD_FLAGS 9

int tasks_count_stat_is_kthread(const char *stat)
{
	/* comm (field 2) may hold spaces and parentheses: fields after it
	 * start behind the last ')'. */
	const char *p = strrchr(stat, ')');
	unsigned long flags;
	char *end;

	if (!p)
		return -EPROTO;
	p++;
	for (int field = 3; field < STAT_FIELD_FLAGS; field++) {
		p += strspn(p, " ");
		p += strcspn(p, " ");
		if (!*p)
			return -EPROTO;
	}
	errno = 0;
	flags = strtoul(p, &end, 10);
	if (end == p || errno)
		return -EPROTO;
	return (flags & PF_KTHREAD) != 0;
}

static int is_pid_name(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return 0;
	}
	return 1;
}

/* Count entries of <dirfd>/<pid>/task; 0 when the task is gone. */
static unsigned long count_threads(int dirfd, const char *pid)
{
	char path[64];
	unsigned long n = 0;
	struct dirent *de;
	DIR *d;
	int fd;

	snprintf(path, sizeof(path), "%s/task", pid);
	fd = openat(dirfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	while ((de = readdir(d)))
		n += is_pid_name(de->d_name);
	closedir(d);
	return n;
}

/* Classify one pid; -ENOENT when it vanished meanwhile. */
static int count_one(int dirfd, const char *pid, struct tasks_count *out)
{
	char path[64], stat[1024];
	cleanup_close int fd = -1;
	unsigned long threads;
	ssize_t n;
	int k;

	snprintf(path, sizeof(path), "%s/stat", pid);
	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, stat, sizeof(stat) - 1);
	if (n <= 0)
		return -ENOENT;
	stat[n] = '\0';
	k = tasks_count_stat_is_kthread(stat);
	if (k < 0)
		return k;
	if (k) {
		out->kernel_threads++;
		return 0;
	}
	threads = count_threads(dirfd, pid);
	if (threads == 0)
		return -ENOENT;
	out->processes++;
	out->threads += threads;
	return 0;
}

int tasks_count_scan(const char *proc_dir, struct tasks_count *out, struct iso_err *err)
{
	struct dirent *de;
	DIR *d = opendir(proc_dir);
	int r = 0;

	memset(out, 0, sizeof(*out));
	if (!d)
		return iso_err_set(err, -errno, "open %s", proc_dir);
	while ((de = readdir(d))) {
		if (!is_pid_name(de->d_name))
			continue;
		r = count_one(dirfd(d), de->d_name, out);
		if (r == -ENOENT || r == -ESRCH)
			r = 0;
		if (r < 0) {
			iso_err_set(err, r, "%s/%s/stat", proc_dir, de->d_name);
			break;
		}
	}
	closedir(d);
	return r;
}
