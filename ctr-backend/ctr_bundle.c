/* OCI bundle input: the subset of config.json that isoctr honours
 * (ctr-backend/README.md lists it), parsed with cJSON. Fields that would
 * change what runs or how it is isolated, and that isoctr cannot honour,
 * are rejected with one line naming the field; fields that isoctr covers
 * with its fixed policy (capabilities, masked paths, ...) are ignored. */
#include "ctr.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "cleanup.h"

#define CTR_BUNDLE_MAX_BYTES (1 << 20)
#define MIB_BYTES	     1048576ull

static int bad(struct iso_err *err, const char *field, const char *why)
{
	return iso_err_input(err, -EINVAL, "bundle: %s: %s", field, why);
}

/* A member's loader: checks `v` and fills its part of `cfg`. */
typedef int (*member_loader)(const cJSON *v, struct ctr_config *cfg, struct iso_err *err);

/* The optional member `key` of `obj`, loaded by `load` when present. */
static int load_optional(const cJSON *obj, const char *key, member_loader load,
			 struct ctr_config *cfg, struct iso_err *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	return v ? load(v, cfg, err) : 0;
}

static char *read_config(const char *dir, struct iso_err *err)
{
	char path[PATH_MAX];
	cleanup_close int fd = -1;
	struct stat st;
	char *buf;

	snprintf(path, sizeof(path), "%s/config.json", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		iso_err_set(err, -errno, "bundle: %s", path);
		return NULL;
	}
	if (st.st_size > CTR_BUNDLE_MAX_BYTES) {
		iso_err_input(err, -EFBIG, "bundle: %s is larger than 1 MiB", path);
		return NULL;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		iso_err_set(err, -ENOMEM, "bundle: read %s", path);
		return NULL;
	}
	if (read(fd, buf, (size_t)st.st_size) != st.st_size) {
		iso_err_set(err, -errno, "bundle: read %s", path);
		free(buf);
		return NULL;
	}
	buf[st.st_size] = '\0';
	return buf;
}

static int load_process(const cJSON *proc, struct ctr_config *cfg, struct iso_err *err)
{
	const cJSON *args = cJSON_GetObjectItemCaseSensitive(proc, "args");
	const cJSON *env = cJSON_GetObjectItemCaseSensitive(proc, "env");
	const cJSON *cwd = cJSON_GetObjectItemCaseSensitive(proc, "cwd");
	const cJSON *term = cJSON_GetObjectItemCaseSensitive(proc, "terminal");
	const cJSON *user = cJSON_GetObjectItemCaseSensitive(proc, "user");
	const cJSON *it;
	size_t n = 0;

	if (!cJSON_IsArray(args) || cJSON_GetArraySize(args) < 1)
		return bad(err, "process.args", "want a non-empty array of strings");
	cfg->bundle_argv = calloc((size_t)cJSON_GetArraySize(args) + 1, sizeof(char *));
	if (!cfg->bundle_argv)
		return iso_err_set(err, -ENOMEM, "bundle: process.args");
	cJSON_ArrayForEach(it, args)
	{
		if (!cJSON_IsString(it))
			return bad(err, "process.args", "want strings");
		cfg->bundle_argv[n++] = it->valuestring;
	}
	cfg->argv = cfg->bundle_argv;
	if (env) {
		if (!cJSON_IsArray(env))
			return bad(err, "process.env", "want an array of KEY=VALUE strings");
		cJSON_ArrayForEach(it, env)
		{
			if (!cJSON_IsString(it) || !strchr(it->valuestring, '=') ||
			    cfg->nenv == CTR_ENV_MAX)
				return bad(err, "process.env", "want at most 64 KEY=VALUE strings");
			cfg->env[cfg->nenv++] = it->valuestring;
		}
	}
	if (cwd && (!cJSON_IsString(cwd) || cwd->valuestring[0] != '/'))
		return bad(err, "process.cwd", "want an absolute path");
	cfg->cwd = cwd ? cwd->valuestring : NULL;
	if (cJSON_IsTrue(term))
		return bad(err, "process.terminal", "a terminal is not supported");
	if (user) {
		const cJSON *uid = cJSON_GetObjectItemCaseSensitive(user, "uid");
		const cJSON *gid = cJSON_GetObjectItemCaseSensitive(user, "gid");
		if ((uid && (!cJSON_IsNumber(uid) || uid->valuedouble != 0)) ||
		    (gid && (!cJSON_IsNumber(gid) || gid->valuedouble != 0)))
			return bad(err, "process.user", "only uid 0 / gid 0 is supported");
	}
	return 0;
}

static int load_root(const cJSON *root, const char *dir, struct ctr_config *cfg,
		     struct iso_err *err)
{
	const cJSON *path = cJSON_GetObjectItemCaseSensitive(root, "path");
	const cJSON *ro = cJSON_GetObjectItemCaseSensitive(root, "readonly");

	if (!cJSON_IsString(path) || !path->valuestring[0])
		return bad(err, "root.path", "want a path");
	/* runtime-spec config.md: a relative root.path is relative to the
	 * bundle directory. */
	if (path->valuestring[0] == '/')
		snprintf(cfg->bundle_rootfs, sizeof(cfg->bundle_rootfs), "%s", path->valuestring);
	else
		snprintf(cfg->bundle_rootfs, sizeof(cfg->bundle_rootfs), "%s/%s", dir,
			 path->valuestring);
	cfg->rootfs = cfg->bundle_rootfs;
	if (ro && !cJSON_IsBool(ro))
		return bad(err, "root.readonly", "want true or false");
	cfg->rootfs_rw = ro && cJSON_IsFalse(ro);
	return 0;
}

static int load_resources(const cJSON *res, struct ctr_config *cfg, struct iso_err *err)
{
	const cJSON *mem = cJSON_GetObjectItemCaseSensitive(res, "memory");
	const cJSON *pids = cJSON_GetObjectItemCaseSensitive(res, "pids");
	const cJSON *cpu = cJSON_GetObjectItemCaseSensitive(res, "cpu");
	const cJSON *v;

	if (mem && (v = cJSON_GetObjectItemCaseSensitive(mem, "limit"))) {
		if (!cJSON_IsNumber(v) || v->valuedouble < 4.0 * MIB_BYTES)
			return bad(err, "linux.resources.memory.limit",
				   "want bytes, at least 4 MiB");
		/* Whole MiB, rounded up: never tighter than asked. */
		cfg->memory_mib = ((uint64_t)v->valuedouble + MIB_BYTES - 1) / MIB_BYTES;
	}
	if (pids && (v = cJSON_GetObjectItemCaseSensitive(pids, "limit"))) {
		if (!cJSON_IsNumber(v) || v->valuedouble < 1)
			return bad(err, "linux.resources.pids.limit", "want a positive number");
		cfg->pids_max = (uint64_t)v->valuedouble;
	}
	if (cpu) {
		const cJSON *q = cJSON_GetObjectItemCaseSensitive(cpu, "quota");
		const cJSON *p = cJSON_GetObjectItemCaseSensitive(cpu, "period");
		if (q) {
			if (!cJSON_IsNumber(q) || q->valuedouble < 1000 ||
			    (p && (!cJSON_IsNumber(p) || p->valuedouble < 1000)))
				return bad(err, "linux.resources.cpu",
					   "want quota and period of at least 1000 us");
			cfg->cpu_quota_us = (uint64_t)q->valuedouble;
			cfg->cpu_period_us = p ? (uint64_t)p->valuedouble : 100000;
		}
	}
	return 0;
}

static int load_namespaces(const cJSON *nss, struct ctr_config *cfg, struct iso_err *err)
{
	static const struct {
		const char *type;
		unsigned int bit;
	} kinds[] = {
		{"pid", CTR_NS_PID},   {"mount", CTR_NS_MOUNT}, {"network", CTR_NS_NET},
		{"uts", CTR_NS_UTS},   {"ipc", CTR_NS_IPC},	{"cgroup", CTR_NS_CGROUP},
		{"user", CTR_NS_USER},
	};
	const cJSON *it;

	if (!cJSON_IsArray(nss))
		return bad(err, "linux.namespaces", "want an array");
	cfg->namespaces = 0;
	cJSON_ArrayForEach(it, nss)
	{
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(it, "type");
		size_t k;

		if (cJSON_GetObjectItemCaseSensitive(it, "path"))
			return bad(err, "linux.namespaces.path",
				   "joining a namespace is not supported");
		for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
			if (cJSON_IsString(type) && !strcmp(type->valuestring, kinds[k].type))
				break;
		if (k == sizeof(kinds) / sizeof(kinds[0]))
			return bad(err, "linux.namespaces.type", "unknown namespace type");
		cfg->namespaces |= kinds[k].bit;
	}
	/* pivot_root and the private /proc need these. */
	if ((cfg->namespaces & (CTR_NS_MOUNT | CTR_NS_PID)) != (CTR_NS_MOUNT | CTR_NS_PID))
		return bad(err, "linux.namespaces", "mount and pid namespaces are required");
	return 0;
}

static int load_linux(const cJSON *lx, struct ctr_config *cfg, struct iso_err *err)
{
	/* Present and non-empty, these would change the isolation in ways
	 * isoctr does not implement. */
	static const char *const unsupported[] = {
		"seccomp", "uidMappings", "gidMappings", "sysctl",
		"devices", "intelRdt",	  "personality",
	};
	const cJSON *v;
	int r;

	for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]); i++) {
		v = cJSON_GetObjectItemCaseSensitive(lx, unsupported[i]);
		if (v && !(cJSON_IsArray(v) && cJSON_GetArraySize(v) == 0) &&
		    !(cJSON_IsObject(v) && !v->child)) {
			char field[64];
			snprintf(field, sizeof(field), "linux.%s", unsupported[i]);
			return bad(err, field, "not supported by isoctr");
		}
	}
	if ((r = load_optional(lx, "resources", load_resources, cfg, err)) < 0)
		return r;
	return load_optional(lx, "namespaces", load_namespaces, cfg, err);
}

static int load_hostname(const cJSON *v, struct ctr_config *cfg, struct iso_err *err)
{
	if (!cJSON_IsString(v) || !v->valuestring[0] ||
	    strlen(v->valuestring) >= sizeof(cfg->hostname))
		return bad(err, "hostname", "want 1-63 characters");
	snprintf(cfg->hostname, sizeof(cfg->hostname), "%s", v->valuestring);
	return 0;
}

/* isoctr always makes /proc, /dev, /dev/pts, /dev/shm, /sys and /tmp; a
 * "bind" mount becomes a read-only --bind; anything else is rejected. */
static int load_mounts(const cJSON *mounts, struct ctr_config *cfg, struct iso_err *err)
{
	static const char *const builtin[] = {
		"/proc",       "/dev", "/dev/pts",	 "/dev/shm",
		"/dev/mqueue", "/sys", "/sys/fs/cgroup", "/tmp",
	};
	const cJSON *m;

	if (!cJSON_IsArray(mounts))
		return bad(err, "mounts", "want an array");
	cJSON_ArrayForEach(m, mounts)
	{
		const cJSON *dst = cJSON_GetObjectItemCaseSensitive(m, "destination");
		const cJSON *src = cJSON_GetObjectItemCaseSensitive(m, "source");
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(m, "type");
		bool known = false;

		if (!cJSON_IsString(dst) || dst->valuestring[0] != '/')
			return bad(err, "mounts.destination", "want an absolute path");
		for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
			known |= !strcmp(dst->valuestring, builtin[i]);
		if (known)
			continue;
		if (!cJSON_IsString(type) || strcmp(type->valuestring, "bind") ||
		    !cJSON_IsString(src) || cfg->nbinds == CTR_BINDS_MAX)
			return bad(err, "mounts", "only bind mounts (at most 16) are supported");
		cfg->binds[cfg->nbinds].src = src->valuestring;
		cfg->binds[cfg->nbinds++].dst = dst->valuestring;
	}
	return 0;
}

void ctr_bundle_release(struct ctr_config *cfg)
{
	cJSON_Delete(cfg->bundle_json);
	cfg->bundle_json = NULL;
	free(cfg->bundle_argv);
	cfg->bundle_argv = NULL;
}

int ctr_bundle_load(const char *dir, struct ctr_config *cfg, struct iso_err *err)
{
	cleanup_free char *text = read_config(dir, err);
	const cJSON *v;
	cJSON *doc;
	int r;

	if (!text)
		return -EINVAL;
	if (cfg->bundle_json)
		return iso_err_input(err, -EINVAL, "bundle: --bundle given twice");
	doc = cJSON_Parse(text);
	if (!doc || !cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		return iso_err_input(err, -EINVAL, "bundle: %s/config.json is not a JSON object",
				     dir);
	}
	cfg->bundle_json = doc;
	if (cJSON_GetObjectItemCaseSensitive(doc, "hooks"))
		return bad(err, "hooks", "not supported by isoctr");
	if (!(v = cJSON_GetObjectItemCaseSensitive(doc, "process")))
		return bad(err, "process", "missing");
	if ((r = load_process(v, cfg, err)) < 0)
		return r;
	if (!(v = cJSON_GetObjectItemCaseSensitive(doc, "root")))
		return bad(err, "root", "missing");
	if ((r = load_root(v, dir, cfg, err)) < 0)
		return r;
	if ((r = load_optional(doc, "hostname", load_hostname, cfg, err)) < 0 ||
	    (r = load_optional(doc, "mounts", load_mounts, cfg, err)) < 0)
		return r;
	return load_optional(doc, "linux", load_linux, cfg, err);
}
