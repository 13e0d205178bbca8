/* /proc probes: process tree, PSS, threads, guest RAM, cgroup charge. */
#include "probe_proc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "fsutil.h"

/* /proc/<pid>/status and stat are a few KiB; meminfo under 2 KiB. */
#define PROC_TEXT_MAX (16 * 1024)

int probe_proc_parse_ppid(const char *stat_text, pid_t *ppid)
{
	const char *p = strrchr(stat_text, ')');
	char state;
	int v;

	/* proc(5): pid (comm) state ppid ... */
	if (!p || sscanf(p + 1, " %c %d", &state, &v) != 2)
		return -EPROTO;
	*ppid = (pid_t)v;
	return 0;
}

/* Value of the "Key:" line at a line start, as an unsigned integer. */
static int field_u64(const char *text, const char *key, uint64_t *out)
{
	size_t klen = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		char *end;
		unsigned long long v;

		if (strncmp(p, key, klen) != 0)
			continue;
		p += klen;
		while (*p == ' ' || *p == '\t')
			p++;
		if (!isdigit((unsigned char)*p))
			return -EPROTO;
		errno = 0;
		v = strtoull(p, &end, 10);
		if (errno)
			return -EPROTO;
		*out = v;
		return 0;
	}
	return -EPROTO;
}

int probe_proc_parse_pss(const char *rollup_text, uint64_t *pss_kib)
{
	return field_u64(rollup_text, "Pss:", pss_kib);
}

int probe_proc_parse_threads(const char *status_text, unsigned int *threads)
{
	uint64_t v;
	int r = field_u64(status_text, "Threads:", &v);

	if (r == 0)
		*threads = (unsigned int)v;
	return r;
}

int probe_proc_parse_memavailable(const char *meminfo_text, uint64_t *kib)
{
	return field_u64(meminfo_text, "MemAvailable:", kib);
}

/* A mapping header line of smaps: "start-end perms offset dev inode [path]"
 * (proc(5)). Sets *anon when no file backs it (empty path or "[anon:...]"
 * / "[heap]"-style pseudo paths other than stacks and vdso). */
static int smaps_header(const char *line, uint64_t *size_kib, int *anon)
{
	unsigned long long start, end, inode;
	char perms[8], dev[16];
	int off = 0;
	const char *path;

	if (sscanf(line, "%llx-%llx %7s %*x %15s %llu%n", &start, &end, perms, dev, &inode, &off) !=
	    5)
		return 0;
	path = line + off;
	while (*path == ' ')
		path++;
	*size_kib = (end - start) / 1024;
	*anon = inode == 0 && (*path == '\n' || *path == '\0' || !strncmp(path, "[anon", 5));
	return 1;
}

int probe_proc_parse_largest_anon(const char *smaps_text, uint64_t min_kib, uint64_t *pss_kib,
				  uint64_t *size_kib)
{
	uint64_t best_size = 0, best_pss = 0, cur_size = 0;
	int cur_anon = 0, found = 0;

	for (const char *p = smaps_text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		uint64_t sz, pss;
		int anon;

		if (smaps_header(p, &sz, &anon)) {
			cur_size = sz;
			cur_anon = anon;
			continue;
		}
		if (!cur_anon || cur_size < min_kib || cur_size <= best_size)
			continue;
		if (!strncmp(p, "Pss:", 4) && field_u64(p, "Pss:", &pss) == 0) {
			best_size = cur_size;
			best_pss = pss;
			found = 1;
		}
	}
	if (!found)
		return -ENOENT;
	*pss_kib = best_pss;
	if (size_kib)
		*size_kib = best_size;
	return 0;
}

int probe_proc_parse_memcg(const char *cgroup_text, char *path, size_t cap, int *v2)
{
	const char *v2_path = NULL;
	size_t v2_len = 0;

	for (const char *p = cgroup_text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *c1 = strchr(p, ':'), *c2, *eol;
		size_t len;

		if (!c1 || !(c2 = strchr(c1 + 1, ':')))
			continue;
		eol = strchr(c2, '\n');
		len = eol ? (size_t)(eol - c2 - 1) : strlen(c2 + 1);
		if (c2 == c1 + 1 && !strncmp(p, "0:", 2)) {
			v2_path = c2 + 1;
			v2_len = len;
			continue;
		}
		/* Controller list: comma-separated names between the colons. */
		for (const char *q = c1 + 1; q < c2;) {
			const char *comma = memchr(q, ',', (size_t)(c2 - q));
			size_t n = comma ? (size_t)(comma - q) : (size_t)(c2 - q);

			if (n == 6 && !strncmp(q, "memory", 6)) {
				if (len + 1 > cap)
					return -ENAMETOOLONG;
				memcpy(path, c2 + 1, len);
				path[len] = '\0';
				*v2 = 0;
				return 0;
			}
			q += n + 1;
		}
	}
	if (!v2_path)
		return -ENOENT;
	if (v2_len + 1 > cap)
		return -ENAMETOOLONG;
	memcpy(path, v2_path, v2_len);
	path[v2_len] = '\0';
	*v2 = 1;
	return 0;
}

static int read_proc(pid_t pid, const char *file, char *buf, size_t cap, struct iso_err *err)
{
	char path[64];

	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	n = fsutil_read(path, buf, cap, err);
	return n < 0 ? (int)n : 0;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

int probe_proc_tree(pid_t root, pid_t *pids, size_t cap, struct iso_err *err)
{
	struct link {
		pid_t pid, ppid;
	};
	cleanup_free struct link *all = NULL;
	size_t nall = 0, allcap = 0, n = 0;
	int found = 0;
	DIR *d = opendir("/proc");
	struct dirent *de;

	if (!d)
		return iso_err_set(err, -errno, "open /proc");
	while ((de = readdir(d))) {
		char text[1024];
		pid_t pid = (pid_t)atoi(de->d_name), ppid;

		if (pid <= 0 || read_proc(pid, "stat", text, sizeof(text), NULL) < 0 ||
		    probe_proc_parse_ppid(text, &ppid) < 0)
			continue;
		if (nall == allcap) {
			size_t c = allcap ? allcap * 2 : 1024;
			struct link *a = realloc(all, c * sizeof(*a));

			if (!a) {
				closedir(d);
				return iso_err_set(err, -ENOMEM, "process table");
			}
			all = a;
			allcap = c;
		}
		all[nall++] = (struct link){pid, ppid};
	}
	closedir(d);
	for (size_t i = 0; i < nall; i++)
		found |= all[i].pid == root;
	if (!found || cap == 0)
		return iso_err_input(err, -ESRCH, "process %d is gone", (int)root);
	/* Breadth-first: pids[0..n) are members; scan for their children. */
	pids[n++] = root;
	for (size_t head = 0; head < n; head++)
		for (size_t i = 0; i < nall; i++)
			if (all[i].ppid == pids[head] && n < cap)
				pids[n++] = all[i].pid;
	qsort(pids + 1, n - 1, sizeof(*pids), cmp_pid);
	return (int)n;
}

int probe_proc_pss_kib(const pid_t *pids, size_t n, uint64_t *kib, struct iso_err *err)
{
	char text[PROC_TEXT_MAX];

	(void)err;
	*kib = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t v;

		if (read_proc(pids[i], "smaps_rollup", text, sizeof(text), NULL) == 0 &&
		    probe_proc_parse_pss(text, &v) == 0)
			*kib += v;
	}
	return 0;
}

int probe_proc_threads(const pid_t *pids, size_t n, unsigned int *threads, struct iso_err *err)
{
	char text[PROC_TEXT_MAX];

	(void)err;
	*threads = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned int t;

		if (read_proc(pids[i], "status", text, sizeof(text), NULL) == 0 &&
		    probe_proc_parse_threads(text, &t) == 0)
			*threads += t;
	}
	return 0;
}

int probe_proc_anon_pss_kib(pid_t pid, uint64_t min_kib, uint64_t *kib, struct iso_err *err)
{
	/* A monitor's smaps is a few hundred mappings of ~400 bytes each. */
	size_t cap = 4 * 1024 * 1024;
	cleanup_free char *text = malloc(cap);
	int r;

	if (!text)
		return iso_err_set(err, -ENOMEM, "smaps buffer");
	r = read_proc(pid, "smaps", text, cap, err);
	if (r < 0)
		return r;
	r = probe_proc_parse_largest_anon(text, min_kib, kib, NULL);
	if (r < 0)
		return iso_err_input(err, r, "process %d: no anonymous mapping of %" PRIu64 " KiB",
				     (int)pid, min_kib);
	return 0;
}

int probe_proc_memcg(pid_t pid, char *path, size_t cap, int *v2, struct iso_err *err)
{
	char text[PROC_TEXT_MAX];
	int r = read_proc(pid, "cgroup", text, sizeof(text), err);

	if (r < 0)
		return r;
	r = probe_proc_parse_memcg(text, path, cap, v2);
	if (r < 0)
		return iso_err_input(err, r, "process %d: no memory cgroup", (int)pid);
	return 0;
}

int probe_proc_memcg_bytes(const char *path, int v2, uint64_t *bytes, struct iso_err *err)
{
	char file[PATH_MAX + 64], text[64];
	char *end;

	snprintf(file, sizeof(file), "/sys/fs/cgroup%s%s/%s", v2 ? "" : "/memory", path,
		 v2 ? "memory.current" : "memory.usage_in_bytes");
	ssize_t n = fsutil_read(file, text, sizeof(text), err);

	if (n < 0)
		return (int)n;
	errno = 0;
	*bytes = strtoull(text, &end, 10);
	if (errno || end == text)
		return iso_err_input(err, -EPROTO, "%s: not a number", file);
	return 0;
}

int probe_proc_memavailable_kib(uint64_t *kib, struct iso_err *err)
{
	char text[PROC_TEXT_MAX];
	ssize_t n = fsutil_read("/proc/meminfo", text, sizeof(text), err);

	if (n < 0)
		return (int)n;
	if (probe_proc_parse_memavailable(text, kib) < 0)
		return iso_err_input(err, -EPROTO, "/proc/meminfo: no MemAvailable");
	return 0;
}
