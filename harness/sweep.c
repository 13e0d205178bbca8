/* The sweeper: collect leftover objects of dead runs by kind, remove them
 * in dependency order. */
#include "sweep.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include "cleanup.h"

#define SWEEP_NETNS_ROOT  "/run/netns"
#define SWEEP_CGROUP_ROOT "/sys/fs/cgroup"
#define SWEEP_MOUNTINFO	  "/proc/self/mountinfo"
/* A killed task leaves its cgroup within milliseconds; allow 2 s. */
#define SWEEP_CGROUP_RETRY_MAX 2000
#define SWEEP_CGROUP_RETRY_NS  1000000L

struct objlist {
	struct sweep_object *v;
	size_t n, cap;
	const struct sweep_config *cfg;
};

struct nsid {
	dev_t dev;
	ino_t ino;
	char rid[RUNID_BUF];
};

static const char *cfg_path(const char *p, const char *dflt)
{
	return p ? p : dflt;
}

const char *sweep_kind_name(enum sweep_kind kind)
{
	static const char *const names[SWEEP_KIND_COUNT] = {
		[SWEEP_PROCESS] = "process", [SWEEP_MOUNT] = "mount",	[SWEEP_NETNS] = "netns",
		[SWEEP_LINK] = "link",	     [SWEEP_CGROUP] = "cgroup", [SWEEP_STATE] = "state",
	};
	return kind < SWEEP_KIND_COUNT ? names[kind] : "?";
}

static bool run_selected(const struct sweep_config *cfg, const char *rid)
{
	if (cfg->only_rid && strcmp(cfg->only_rid, rid) != 0)
		return false;
	return cfg->include_live || !runid_owner_alive(cfg->state_root, rid);
}

static int objlist_add(struct objlist *l, enum sweep_kind kind, const char *rid, const char *name,
		       struct iso_err *err)
{
	struct sweep_object *o;

	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		struct sweep_object *v = realloc(l->v, cap * sizeof(*v));
		if (!v)
			return iso_err_set(err, -ENOMEM, "sweep: object list");
		l->v = v;
		l->cap = cap;
	}
	o = &l->v[l->n++];
	o->kind = kind;
	memcpy(o->rid, rid, RUNID_BUF);
	snprintf(o->name, sizeof(o->name), "%s", name);
	return 0;
}

static int add_pid(struct objlist *l, const char *rid, long pid, struct iso_err *err)
{
	char num[24];

	if (pid <= 1 || pid == (long)getpid())
		return 0;
	snprintf(num, sizeof(num), "%ld", pid);
	return objlist_add(l, SWEEP_PROCESS, rid, num, err);
}

/* Members of one cgroup (cgroup.procs holds one pid per line). */
static int collect_cgroup_procs(struct objlist *l, const char *rid, const char *dir,
				struct iso_err *err)
{
	char path[PATH_MAX + 16];
	cleanup_fclose FILE *f = NULL;
	long pid;
	int r;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fscanf(f, "%ld", &pid) == 1)
		if ((r = add_pid(l, rid, pid, err)) < 0)
			return r;
	return 0;
}

/* Post-order walk: child cgroups are listed before their parent. */
static int collect_cgroup_tree(struct objlist *l, const char *rid, const char *dir, int depth,
			       struct iso_err *err)
{
	cleanup_free char *child = NULL;
	struct dirent *de;
	DIR *d;
	int r = 0;

	if (depth > 32)
		return iso_err_input(err, -ELOOP, "sweep: cgroup tree too deep at %s", dir);
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : iso_err_set(err, -errno, "sweep: open %s", dir);
	child = malloc(PATH_MAX);
	if (!child) {
		closedir(d);
		return iso_err_set(err, -ENOMEM, "sweep: cgroup walk");
	}
	while (r == 0 && (de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		snprintf(child, PATH_MAX, "%s/%s", dir, de->d_name);
		r = collect_cgroup_tree(l, rid, child, depth + 1, err);
	}
	closedir(d);
	if (r == 0)
		r = collect_cgroup_procs(l, rid, dir, err);
	if (r == 0)
		r = objlist_add(l, SWEEP_CGROUP, rid, dir, err);
	return r;
}

/* <hierarchy>/isobench/<rid>-* for the cgroup root itself (pure v2) and
 * for every hierarchy mounted directly below it (v1, hybrid). */
static int collect_cgroups_in(struct objlist *l, const char *hier, struct iso_err *err)
{
	char base[PATH_MAX], dir[PATH_MAX + 300], rid[RUNID_BUF];
	struct dirent *de;
	DIR *d;
	int r = 0;

	snprintf(base, sizeof(base), "%s/%s", hier, RUNID_CGROUP_DIR);
	d = opendir(base);
	if (!d)
		return 0;
	while (r == 0 && (de = readdir(d))) {
		if (de->d_type != DT_DIR || !runid_from_name(de->d_name, "", rid) ||
		    de->d_name[RUNID_LEN] != '-' || !run_selected(l->cfg, rid))
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", base, de->d_name);
		r = collect_cgroup_tree(l, rid, dir, 0, err);
	}
	closedir(d);
	return r;
}

static int collect_cgroups(struct objlist *l, struct iso_err *err)
{
	const char *root = cfg_path(l->cfg->cgroup_root, SWEEP_CGROUP_ROOT);
	char hier[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int r;

	r = collect_cgroups_in(l, root, err);
	d = opendir(root);
	if (!d)
		return r;
	/* DT_DIR skips the v1 co-mount symlinks (cpu -> cpu,cpuacct). */
	while (r == 0 && (de = readdir(d))) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.' ||
		    !strcmp(de->d_name, RUNID_CGROUP_DIR))
			continue;
		snprintf(hier, sizeof(hier), "%s/%s", root, de->d_name);
		r = collect_cgroups_in(l, hier, err);
	}
	closedir(d);
	return r;
}

/* Processes whose network namespace is one of `ns`. */
static int collect_netns_procs(struct objlist *l, const struct nsid *ns, size_t n,
			       struct iso_err *err)
{
	char path[64];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int r = 0;

	if (n == 0)
		return 0;
	d = opendir("/proc");
	if (!d)
		return iso_err_set(err, -errno, "sweep: open /proc");
	while (r == 0 && (de = readdir(d))) {
		char *end;
		long pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/ns/net", pid);
		if (stat(path, &st) < 0)
			continue;
		for (size_t i = 0; i < n; i++)
			if (st.st_dev == ns[i].dev && st.st_ino == ns[i].ino) {
				r = add_pid(l, ns[i].rid, pid, err);
				break;
			}
	}
	closedir(d);
	return r;
}

static int collect_netns(struct objlist *l, struct iso_err *err)
{
	const char *root = cfg_path(l->cfg->netns_root, SWEEP_NETNS_ROOT);
	cleanup_free struct nsid *ns = NULL;
	char path[PATH_MAX + 300], rid[RUNID_BUF];
	size_t n = 0, cap = 0;
	struct dirent *de;
	struct stat st;
	DIR *d;
	int r = 0;

	d = opendir(root);
	if (!d)
		return 0;
	while (r == 0 && (de = readdir(d))) {
		if (!runid_from_name(de->d_name, RUNID_NETNS_PREFIX, rid) ||
		    !run_selected(l->cfg, rid))
			continue;
		snprintf(path, sizeof(path), "%s/%s", root, de->d_name);
		r = objlist_add(l, SWEEP_NETNS, rid, path, err);
		if (r < 0 || stat(path, &st) < 0)
			continue;
		if (n == cap) {
			struct nsid *v = realloc(ns, (cap = cap ? cap * 2 : 8) * sizeof(*v));
			if (!v) {
				r = iso_err_set(err, -ENOMEM, "sweep: netns list");
				break;
			}
			ns = v;
		}
		ns[n].dev = st.st_dev;
		ns[n].ino = st.st_ino;
		memcpy(ns[n++].rid, rid, RUNID_BUF);
	}
	closedir(d);
	return r < 0 ? r : collect_netns_procs(l, ns, n, err);
}

/* Undo mountinfo's octal escapes (\040 for space) in place. */
static void unescape_octal(char *s)
{
	char *w = s;

	for (char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] >= '0' && p[1] <= '7' && p[2] && p[3]) {
			*w++ = (char)(((p[1] - '0') << 6) | ((p[2] - '0') << 3) | (p[3] - '0'));
			p += 3;
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
}

static int collect_mounts(struct objlist *l, struct iso_err *err)
{
	const char *root = cfg_path(l->cfg->state_root, RUNID_STATE_ROOT);
	size_t rlen = strlen(root);
	cleanup_fclose FILE *f = NULL;
	cleanup_free char *line = NULL;
	char mnt[PATH_MAX], rid[RUNID_BUF];
	size_t cap = 0;
	int r = 0;

	f = fopen(cfg_path(l->cfg->mountinfo, SWEEP_MOUNTINFO), "re");
	if (!f)
		return iso_err_set(err, -errno, "sweep: open mountinfo");
	/* proc(5) mountinfo: "id parent major:minor root mount-point ...". */
	while (r == 0 && getline(&line, &cap, f) > 0) {
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		unescape_octal(mnt);
		if (strncmp(mnt, root, rlen) != 0 || mnt[rlen] != '/' ||
		    !runid_from_name(mnt + rlen + 1, "", rid) || !run_selected(l->cfg, rid))
			continue;
		r = objlist_add(l, SWEEP_MOUNT, rid, mnt, err);
	}
	return r;
}

static int collect_links(struct objlist *l, struct iso_err *err)
{
	struct nl_sock *sk = NULL;
	struct nl_cache *cache = NULL;
	char rid[RUNID_BUF];
	int r = 0;

	if (l->cfg->skip_links)
		return 0;
	sk = nl_socket_alloc();
	if (!sk)
		return iso_err_set(err, -ENOMEM, "sweep: netlink socket");
	if ((r = nl_connect(sk, NETLINK_ROUTE)) < 0 ||
	    (r = rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache)) < 0) {
		nl_socket_free(sk);
		return iso_err_input(err, -EIO, "sweep: list links: %s", nl_geterror(r));
	}
	for (struct nl_object *o = nl_cache_get_first(cache); o && r == 0;
	     o = nl_cache_get_next(o)) {
		const char *name = rtnl_link_get_name((struct rtnl_link *)o);
		if (name && runid_from_name(name, RUNID_LINK_PREFIX, rid) &&
		    run_selected(l->cfg, rid))
			r = objlist_add(l, SWEEP_LINK, rid, name, err);
	}
	nl_cache_free(cache);
	nl_socket_free(sk);
	return r;
}

static int collect_state(struct objlist *l, struct iso_err *err)
{
	const char *root = cfg_path(l->cfg->state_root, RUNID_STATE_ROOT);
	struct dirent *de;
	DIR *d;
	int r = 0;

	d = opendir(root);
	if (!d)
		return 0;
	while (r == 0 && (de = readdir(d)))
		if (runid_valid(de->d_name) && run_selected(l->cfg, de->d_name))
			r = objlist_add(l, SWEEP_STATE, de->d_name, root, err);
	closedir(d);
	return r;
}

/* Removal order: kind first; deeper mount points before shallower ones;
 * otherwise collection order (which lists child cgroups first). */
static int obj_cmp(const void *a, const void *b)
{
	const struct sweep_object *x = a, *y = b;
	size_t lx, ly;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (x->kind == SWEEP_MOUNT) {
		lx = strlen(x->name);
		ly = strlen(y->name);
		if (lx != ly)
			return lx > ly ? -1 : 1;
	}
	return x < y ? -1 : x > y;
}

static int collect_all(const struct sweep_config *cfg, struct objlist *l, struct iso_err *err)
{
	int (*const collectors[])(struct objlist *, struct iso_err *) = {
		collect_cgroups, collect_netns, collect_mounts, collect_links, collect_state,
	};
	int r;

	if (cfg->only_rid && !runid_valid(cfg->only_rid))
		return iso_err_input(err, -EINVAL, "sweep: invalid run id '%s'", cfg->only_rid);
	l->cfg = cfg;
	for (size_t i = 0; i < sizeof(collectors) / sizeof(collectors[0]); i++)
		if ((r = collectors[i](l, err)) < 0)
			return r;
	/* qsort is not stable: obj_cmp falls back to the address, which is
	 * the collection order within one array. */
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), obj_cmp);
	return 0;
}

int sweep_collect(const struct sweep_config *cfg, sweep_visit_fn fn, void *ctx, struct iso_err *err)
{
	struct objlist l = {0};
	int r = collect_all(cfg, &l, err);

	for (size_t i = 0; r == 0 && i < l.n; i++)
		r = fn(&l.v[i], ctx);
	free(l.v);
	return r;
}

static void sleep_ns(long ns)
{
	struct timespec ts = {0, ns};

	nanosleep(&ts, NULL);
}

static void write_file(const char *dir, const char *file, const char *val)
{
	char path[PATH_MAX + 32];
	cleanup_close int fd = -1;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0 && write(fd, val, strlen(val)) < 0)
		return;
}

static void kill_members(const char *dir)
{
	char path[PATH_MAX + 16];
	cleanup_fclose FILE *f = NULL;
	long pid;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "re");
	while (f && fscanf(f, "%ld", &pid) == 1)
		if (pid > 1 && pid != (long)getpid())
			kill((pid_t)pid, SIGKILL);
}

static int remove_cgroup(const char *dir, struct iso_err *err)
{
	/* cgroup v2 (Linux 5.14+): kill every member atomically. */
	write_file(dir, "cgroup.kill", "1");
	for (int i = 0; i < SWEEP_CGROUP_RETRY_MAX; i++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			break;
		kill_members(dir);
		sleep_ns(SWEEP_CGROUP_RETRY_NS);
	}
	return iso_err_set(err, -errno, "sweep: rmdir %s", dir);
}

static int remove_link(const char *name, struct iso_err *err)
{
	struct nl_sock *sk = nl_socket_alloc();
	struct rtnl_link *link = rtnl_link_alloc();
	int r = -ENOMEM;

	if (sk && link && (r = nl_connect(sk, NETLINK_ROUTE)) == 0) {
		rtnl_link_set_name(link, name);
		r = rtnl_link_delete(sk, link);
		if (r == -NLE_NODEV || r == -NLE_OBJ_NOTFOUND)
			r = 0;
	}
	rtnl_link_put(link);
	nl_socket_free(sk);
	if (r < 0)
		return iso_err_input(err, -EIO, "sweep: delete link %s: %s", name,
				     r == -ENOMEM ? "out of memory" : nl_geterror(r));
	return 0;
}

int sweep_remove(const struct sweep_object *obj, struct iso_err *err)
{
	switch (obj->kind) {
	case SWEEP_PROCESS:
		if (kill((pid_t)atol(obj->name), SIGKILL) < 0 && errno != ESRCH)
			return iso_err_set(err, -errno, "sweep: kill %s", obj->name);
		return 0;
	case SWEEP_MOUNT:
		if (umount2(obj->name, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
			return iso_err_set(err, -errno, "sweep: unmount %s", obj->name);
		return 0;
	case SWEEP_NETNS:
		/* The name is a bind mount of the namespace file: detach, then
		 * unlink; the namespace dies with its last user. */
		if (umount2(obj->name, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
			return iso_err_set(err, -errno, "sweep: unmount %s", obj->name);
		if (unlink(obj->name) < 0 && errno != ENOENT)
			return iso_err_set(err, -errno, "sweep: unlink %s", obj->name);
		return 0;
	case SWEEP_LINK:
		return remove_link(obj->name, err);
	case SWEEP_CGROUP:
		return remove_cgroup(obj->name, err);
	case SWEEP_STATE:
		return runid_state_remove(obj->name, obj->rid, err);
	default:
		return iso_err_input(err, -EINVAL, "sweep: unknown object kind %d", (int)obj->kind);
	}
}

int sweep_run(const struct sweep_config *cfg, struct sweep_stats *st, struct iso_err *err)
{
	struct objlist l = {0};
	struct iso_err one;
	int first = 0;
	int r;

	memset(st, 0, sizeof(*st));
	r = collect_all(cfg, &l, err);
	for (size_t i = 0; r == 0 && i < l.n; i++) {
		iso_err_clear(&one);
		if (sweep_remove(&l.v[i], &one) == 0) {
			st->removed[l.v[i].kind]++;
			continue;
		}
		st->failed++;
		if (!first) {
			first = one.code;
			if (err)
				*err = one;
		}
	}
	free(l.v);
	return r < 0 ? r : first;
}
