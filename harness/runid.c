/* Run ids, run state directories and their owner records. */
#include "runid.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "fsutil.h"

int runid_generate(char out[RUNID_BUF], struct iso_err *err)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[RUNID_LEN];
	ssize_t n;

	do {
		n = getrandom(raw, sizeof(raw), 0);
	} while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(raw))
		return iso_err_set(err, n < 0 ? -errno : -EIO, "runid: getrandom");
	for (size_t i = 0; i < RUNID_LEN; i++)
		out[i] = hex[raw[i] & 0xf];
	out[RUNID_LEN] = '\0';
	return 0;
}

static bool is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

bool runid_valid(const char *s)
{
	for (size_t i = 0; i < RUNID_LEN; i++)
		if (!is_lower_hex(s[i]))
			return false;
	return s[RUNID_LEN] == '\0';
}

bool runid_from_name(const char *name, const char *prefix, char out[RUNID_BUF])
{
	size_t plen = strlen(prefix);

	if (strncmp(name, prefix, plen) != 0 || strnlen(name + plen, RUNID_LEN) < RUNID_LEN)
		return false;
	for (size_t i = 0; i < RUNID_LEN; i++)
		if (!is_lower_hex(name[plen + i]))
			return false;
	memcpy(out, name + plen, RUNID_LEN);
	out[RUNID_LEN] = '\0';
	return true;
}

unsigned long long runid_proc_starttime(pid_t pid)
{
	char path[64], buf[1024];
	cleanup_close int fd = -1;
	unsigned long long start = 0;
	const char *p;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* proc(5): the command name (field 2) is parenthesised and may hold
	 * spaces, so count fields from the last ')'; starttime is field 22. */
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	for (int field = 2; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (p && sscanf(p + 1, "%llu", &start) != 1)
		return 0;
	return start;
}

int runid_state_create(const char *root, const char *rid, pid_t owner, struct iso_err *err)
{
	char dir[256], file[300], line[64];
	cleanup_close int fd = -1;
	int n;

	if (!root)
		root = RUNID_STATE_ROOT;
	if (mkdir(root, 0755) < 0 && errno != EEXIST)
		return iso_err_set(err, -errno, "runid: mkdir %s", root);
	snprintf(dir, sizeof(dir), "%s/%s", root, rid);
	if (mkdir(dir, 0700) < 0)
		return iso_err_set(err, -errno, "runid: mkdir %s", dir);
	snprintf(file, sizeof(file), "%s/%s", dir, RUNID_OWNER_FILE);
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		return iso_err_set(err, -errno, "runid: create %s", file);
	n = snprintf(line, sizeof(line), "%d %llu\n", (int)owner, runid_proc_starttime(owner));
	if (write(fd, line, (size_t)n) != n)
		return iso_err_set(err, -errno, "runid: write %s", file);
	return 0;
}

int runid_state_remove(const char *root, const char *rid, struct iso_err *err)
{
	char dir[256];

	if (!root)
		root = RUNID_STATE_ROOT;
	if (!runid_valid(rid))
		return iso_err_input(err, -EINVAL, "runid: invalid run id '%s'", rid);
	snprintf(dir, sizeof(dir), "%s/%s", root, rid);
	/* Never following symlinks nor crossing into a mount left inside. */
	return fsutil_rm_tree(dir, err);
}

bool runid_owner_alive(const char *root, const char *rid)
{
	char file[300];
	cleanup_fclose FILE *f = NULL;
	unsigned long long start;
	int pid;

	snprintf(file, sizeof(file), "%s/%s/%s", root ? root : RUNID_STATE_ROOT, rid,
		 RUNID_OWNER_FILE);
	f = fopen(file, "re");
	if (!f || fscanf(f, "%d %llu", &pid, &start) != 2 || pid <= 0)
		return false;
	return runid_proc_starttime(pid) == start && start != 0;
}
