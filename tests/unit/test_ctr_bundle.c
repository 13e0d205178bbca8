/* The OCI bundle subset: what is read from config.json, what is ignored,
 * and the one-line refusal naming the field for what is not supported. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctr.h"

static char dir[] = "/tmp/test_ctr_bundle.XXXXXX";

static int load(const char *json, struct ctr_config *cfg, struct iso_err *err)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/config.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(json, f);
	fclose(f);
	ctr_config_init(cfg);
	iso_err_clear(err);
	return ctr_bundle_load(dir, cfg, err);
}

static void test_subset(void **state)
{
	const char *json =
		"{\"ociVersion\": \"1.0.2\", \"process\": {\"terminal\": false, \"user\": "
		"{\"uid\": 0,"
		" \"gid\": 0}, \"args\": [\"/init\", \"ready\", \"3\"], \"env\": [\"A=1\"],"
		" \"cwd\": \"/tmp\", \"capabilities\": {\"bounding\": [\"CAP_KILL\"]},"
		" \"noNewPrivileges\": true}, \"root\": {\"path\": \"rootfs\", \"readonly\": true},"
		" \"hostname\": \"bh\", \"mounts\": [{\"destination\": \"/proc\", \"type\": "
		"\"proc\"},"
		" {\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"/srv\"}],"
		" \"linux\": {\"resources\": {\"memory\": {\"limit\": 100000000}, \"pids\": "
		"{\"limit\":"
		" 16}, \"cpu\": {\"quota\": 50000, \"period\": 100000}, \"devices\": [{\"allow\":"
		" false}]}, \"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"mount\"}, {\"type\":"
		" \"network\"}], \"maskedPaths\": [\"/proc/kcore\"], \"annotationsX\": 1},"
		" \"annotations\": {\"k\": \"v\"}}";
	struct ctr_config cfg;
	struct iso_err err;
	char want[128];

	(void)state;
	assert_int_equal(load(json, &cfg, &err), 0);
	assert_string_equal(cfg.argv[0], "/init");
	assert_string_equal(cfg.argv[2], "3");
	assert_null(cfg.argv[3]);
	assert_int_equal(cfg.nenv, 1);
	assert_string_equal(cfg.env[0], "A=1");
	assert_string_equal(cfg.cwd, "/tmp");
	snprintf(want, sizeof(want), "%s/rootfs", dir);
	assert_string_equal(cfg.rootfs, want);
	assert_false(cfg.rootfs_rw);
	assert_string_equal(cfg.hostname, "bh");
	assert_int_equal(cfg.nbinds, 1);
	assert_string_equal(cfg.binds[0].src, "/srv");
	assert_string_equal(cfg.binds[0].dst, "/data");
	/* 100000000 bytes is 95.4 MiB: rounded up, never tighter. */
	assert_int_equal(cfg.memory_mib, 96);
	assert_int_equal(cfg.pids_max, 16);
	assert_int_equal(cfg.cpu_quota_us, 50000);
	assert_int_equal(cfg.cpu_period_us, 100000);
	assert_int_equal(cfg.namespaces, CTR_NS_PID | CTR_NS_MOUNT | CTR_NS_NET);
	ctr_config_release(&cfg);
}

static void refused(const char *json, const char *field)
{
	struct ctr_config cfg;
	struct iso_err err;

	assert_int_equal(load(json, &cfg, &err), -EINVAL);
	ctr_config_release(&cfg);
	assert_non_null(strstr(err.msg, field));
	assert_null(strchr(err.msg, '\n'));
}

#define ROOT "\"root\": {\"path\": \"/r\"}"
#define PROC "\"process\": {\"args\": [\"x\"]}"

static void test_refusals(void **state)
{
	(void)state;
	refused("{\"process\": {\"args\": [\"x\"]", "not a JSON object");
	refused("[1, 2]", "not a JSON object");
	refused("{" ROOT "}", "process: missing");
	refused("{" PROC "}", "root: missing");
	refused("{\"process\": {\"args\": []}, " ROOT "}", "process.args");
	refused("{\"process\": {\"args\": [1]}, " ROOT "}", "process.args");
	refused("{\"process\": {\"args\": [\"x\"], \"terminal\": true}, " ROOT "}",
		"process.terminal");
	refused("{\"process\": {\"args\": [\"x\"], \"user\": {\"uid\": 1000}}, " ROOT "}",
		"process.user");
	refused("{\"process\": {\"args\": [\"x\"], \"cwd\": \"rel\"}, " ROOT "}", "process.cwd");
	refused("{" PROC ", " ROOT ", \"hooks\": {}}", "hooks");
	refused("{" PROC ", " ROOT ", \"linux\": {\"seccomp\": {\"defaultAction\": \"x\"}}}",
		"linux.seccomp");
	refused("{" PROC ", " ROOT ", \"linux\": {\"uidMappings\": [{\"containerID\": 0}]}}",
		"linux.uidMappings");
	refused("{" PROC ", " ROOT ", \"linux\": {\"namespaces\": [{\"type\": \"network\","
		" \"path\": \"/run/netns/x\"}]}}",
		"linux.namespaces.path");
	refused("{" PROC ", " ROOT ", \"linux\": {\"namespaces\": [{\"type\": \"time\"}]}}",
		"linux.namespaces.type");
	refused("{" PROC ", " ROOT ", \"linux\": {\"namespaces\": [{\"type\": \"pid\"}]}}",
		"mount and pid namespaces are required");
	refused("{" PROC ", " ROOT ", \"linux\": {\"resources\": {\"memory\": {\"limit\": 1}}}}",
		"linux.resources.memory.limit");
	refused("{" PROC ", " ROOT ", \"mounts\": [{\"destination\": \"/x\", \"type\": \"nfs\"}]}",
		"only bind mounts");
}

static void test_missing_file(void **state)
{
	struct ctr_config cfg;
	struct iso_err err = {0};

	(void)state;
	ctr_config_init(&cfg);
	assert_int_equal(ctr_bundle_load("/nonexistent", &cfg, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "/nonexistent/config.json"));
	ctr_config_release(&cfg);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char path[128];

	(void)state;
	snprintf(path, sizeof(path), "%s/config.json", dir);
	unlink(path);
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_subset),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_missing_file),
	};
	return cmocka_run_group_tests_name("ctr_bundle", tests, setup, teardown);
}
