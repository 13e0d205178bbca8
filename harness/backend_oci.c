/* runc and crun: OCI runtimes as peers. The harness writes a bundle under
 * the instance directory (config.json with the image as read-only root,
 * the runtime's state under the run's state directory, the cgroup named
 * with the run id) and passes the events pipe with --preserve-fds. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "backend_net.h"
#include "bench_ctx.h"
#include "env.h"
#include "fsutil.h"
#include "instance.h"

/* OCI runtime-spec version of the config we write (config.md). */
#define OCI_VERSION "1.0.2"

/* crun 1.8 exits with an error on hybrid hosts (v1 controllers with an
 * empty v2 mount); it runs on pure v1 and v2. */
static int crun_available(const struct bench_ctx *ctx, char *reason, size_t cap)
{
	(void)ctx;
	if (env_cgroup_layout() == ENV_CGROUP_HYBRID) {
		snprintf(reason, cap, "crun refuses hybrid cgroup hierarchies (v1 + empty v2)");
		return -ENOTSUP;
	}
	return 0;
}

static cJSON *oci_mount(const char *dst, const char *type, const char *opts)
{
	cJSON *m = cJSON_CreateObject(), *o;

	cJSON_AddStringToObject(m, "destination", dst);
	cJSON_AddStringToObject(m, "type", type);
	cJSON_AddStringToObject(m, "source", type);
	if (opts) {
		const char *list[] = {opts};

		o = cJSON_CreateStringArray(list, 1);
		cJSON_AddItemToObject(m, "options", o);
	}
	return m;
}

/* config.json (OCI runtime-spec config.md, config-linux.md). */
static cJSON *oci_config(const struct instance *inst, const char *rootfs, int port_fd)
{
	cJSON *c = cJSON_CreateObject(), *proc, *user, *args, *env, *root, *mounts, *linux, *nss;
	const char *types[] = {"pid", "mount", "ipc", "uts", "network"};
	char buf[PATH_MAX];

	cJSON_AddStringToObject(c, "ociVersion", OCI_VERSION);
	proc = cJSON_AddObjectToObject(c, "process");
	cJSON_AddBoolToObject(proc, "terminal", 0);
	cJSON_AddStringToObject(proc, "cwd", "/");
	cJSON_AddBoolToObject(proc, "noNewPrivileges", 1);
	user = cJSON_AddObjectToObject(proc, "user");
	cJSON_AddNumberToObject(user, "uid", 0);
	cJSON_AddNumberToObject(user, "gid", 0);
	args = cJSON_AddArrayToObject(proc, "args");
	cJSON_AddItemToArray(args, cJSON_CreateString("/init"));
	for (char *const *a = inst->workload; *a; a++)
		cJSON_AddItemToArray(args, cJSON_CreateString(*a));
	env = cJSON_AddArrayToObject(proc, "env");
	cJSON_AddItemToArray(env, cJSON_CreateString("PATH=/bin"));
	snprintf(buf, sizeof(buf), "%s=fd:%d", BENCH_PORT_ENV, port_fd);
	cJSON_AddItemToArray(env, cJSON_CreateString(buf));
	root = cJSON_AddObjectToObject(c, "root");
	cJSON_AddStringToObject(root, "path", rootfs);
	cJSON_AddBoolToObject(root, "readonly", 1);
	cJSON_AddStringToObject(c, "hostname", "isob");
	mounts = cJSON_AddArrayToObject(c, "mounts");
	cJSON_AddItemToArray(mounts, oci_mount("/proc", "proc", NULL));
	cJSON_AddItemToArray(mounts, oci_mount("/dev", "tmpfs", "mode=755"));
	linux = cJSON_AddObjectToObject(c, "linux");
	nss = cJSON_AddArrayToObject(linux, "namespaces");
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		cJSON *ns = cJSON_CreateObject();

		cJSON_AddStringToObject(ns, "type", types[i]);
		if (!strcmp(types[i], "network") && inst->netns[0])
			cJSON_AddStringToObject(ns, "path", inst->netns);
		cJSON_AddItemToArray(nss, ns);
	}
	snprintf(buf, sizeof(buf), "/isobench/%s-%s%u", inst->ctx->rid, inst->be->name, inst->id);
	cJSON_AddStringToObject(linux, "cgroupsPath", buf);
	return c;
}

/* The runtime is the backend's program: runc and crun take the same
 * command line. */
static int oci_prepare(struct instance *inst, struct launch_cmd *cmd, struct iso_err *err)
{
	const char *runtime = inst->be->name;
	char rootfs[PATH_MAX], bundle[PATH_MAX + 16], file[PATH_MAX + 32];
	char state[PATH_MAX + 16];
	struct argv *a = &cmd->argv;
	cJSON *config;
	char *text;
	int r;

	r = bench_ctx_path(inst->ctx, BENCH_ROOTFS, rootfs, sizeof(rootfs), err);
	if (r == 0)
		r = backend_net_attach_veth(inst, NULL, err);
	if (r < 0)
		return r;
	snprintf(bundle, sizeof(bundle), "%s/bundle", inst->dir);
	snprintf(file, sizeof(file), "%s/config.json", bundle);
	snprintf(state, sizeof(state), "%s/%s", inst->ctx->state_dir, runtime);
	if (mkdir(bundle, 0700) < 0 && errno != EEXIST)
		return iso_err_set(err, -errno, "mkdir %s", bundle);
	config = oci_config(inst, rootfs, cmd->child_fd);
	text = config ? cJSON_Print(config) : NULL;
	cJSON_Delete(config);
	if (!text)
		return iso_err_set(err, -ENOMEM, "%s: config.json", runtime);
	r = fsutil_write(file, text, err);
	cJSON_free(text);
	if (r < 0)
		return r;
	argv_add(a, err, "%s", inst->be->program);
	argv_add(a, err, "--root=%s", state);
	argv_add(a, err, "run");
	argv_add(a, err, "--preserve-fds=1");
	argv_add(a, err, "--bundle=%s", bundle);
	argv_add(a, err, "isob-%s-i%u", inst->ctx->rid, inst->id);
	cmd->events = EVENTS_FRAMES;
	return a->error;
}

/* Debian's paths of the two runtimes (packages runc, crun). */
const struct backend backend_runc = {
	.name = "runc",
	.kind = BACKEND_CONTAINER,
	.summary = "runc with a generated OCI bundle, image as read-only root (peer)",
	.peer = 1,
	.uses_net = 1,
	.program = "/usr/sbin/runc",
	.needs = {BENCH_ROOTFS "/init"},
	.version = backend_program_version,
	.prepare = oci_prepare,
	.cleanup = backend_net_detach,
};

const struct backend backend_crun = {
	.name = "crun",
	.kind = BACKEND_CONTAINER,
	.summary = "crun with the same OCI bundle (peer)",
	.peer = 1,
	.uses_net = 1,
	.program = "/usr/bin/crun",
	.needs = {BENCH_ROOTFS "/init"},
	.available = crun_available,
	.version = backend_program_version,
	.prepare = oci_prepare,
	.cleanup = backend_net_detach,
};
