/* cgroup layout classification, flat-keyed file reading (memory.events,
 * memory.oom_control), the null manager, and the default capability set. */
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

#include "cgroup.h"
#include "ctr_caps.h"

static void test_classify(void **state)
{
	(void)state;
	/* root_is_v2, any_v1, unified_v2 */
	assert_int_equal(cgroup_classify(true, false, false), CGROUP_LAYOUT_V2);
	assert_int_equal(cgroup_classify(false, true, false), CGROUP_LAYOUT_V1);
	assert_int_equal(cgroup_classify(false, true, true), CGROUP_LAYOUT_HYBRID);
	assert_int_equal(cgroup_classify(false, false, true), CGROUP_LAYOUT_V2);
	assert_int_equal(cgroup_classify(false, false, false), CGROUP_LAYOUT_NONE);
	assert_string_equal(cgroup_layout_name(CGROUP_LAYOUT_HYBRID), "hybrid");
	assert_string_equal(cgroup_layout_name(CGROUP_LAYOUT_NONE), "none");
}

static void test_detect_plain_dir(void **state)
{
	struct cgroup_hosts h;

	(void)state;
	/* Not a cgroup filesystem at all: no layout, nothing found. */
	cgroup_detect("/tmp", &h);
	assert_int_equal(h.layout, CGROUP_LAYOUT_NONE);
	assert_string_equal(h.v2, "");
	assert_string_equal(h.v1[CGROUP_MEMORY], "");
}

static void test_read_key(void **state)
{
	char dir[] = "/tmp/test_ctr_cgroup.XXXXXX", path[64];
	struct iso_err err = {0};
	uint64_t v = 99;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/memory.events", dir);
	f = fopen(path, "w");
	fputs("low 0\nhigh 0\nmax 12\noom 3\noom_kill 2\noom_group_kill 0\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/memory.oom_control", dir);
	f = fopen(path, "w");
	fputs("oom_kill_disable 0\nunder_oom 1\n", f); /* pre-4.13 kernel */
	fclose(f);
	assert_int_equal(cgroup_v2_oom_kills(dir, &v, &err), 0);
	assert_int_equal(v, 2);
	assert_int_equal(cgroup_read_key(dir, "memory.events", "oom", &v, &err), 0);
	assert_int_equal(v, 3);
	assert_int_equal(cgroup_read_key(dir, "memory.events", "nope", &v, &err), -ENOENT);
	assert_non_null(strstr(err.msg, "no 'nope'"));
	assert_int_equal(cgroup_v1_oom_kills(dir, &v, &err), 0);
	assert_int_equal(v, 1); /* falls back to under_oom */
	snprintf(path, sizeof(path), "%s/memory.events", dir);
	unlink(path);
	assert_int_equal(cgroup_v2_oom_kills(dir, &v, &err), -ENOENT);
	snprintf(path, sizeof(path), "%s/memory.oom_control", dir);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

static void test_null_manager(void **state)
{
	struct cgroup_hosts h = {.layout = CGROUP_LAYOUT_NONE};
	struct cgroup_limits none = {0}, mem = {.memory_mib = 64};
	struct cgroup cg;
	struct iso_err err = {0};
	uint64_t n = 7;

	(void)state;
	assert_int_equal(cgroup_create(&cg, &h, "0a1b2c-ctr", &none, false, &err), 0);
	assert_string_equal(cg.ops->name, "none");
	assert_int_equal(cg.clone_fd, -1);
	assert_int_equal(cgroup_join(&cg, &err), 0);
	assert_int_equal(cgroup_oom_kills(&cg, &n, &err), 0);
	assert_int_equal(n, 0);
	cgroup_destroy(&cg);
	cgroup_destroy(&cg); /* idempotent */
	/* Limits without a hierarchy to enforce them are an error. */
	assert_int_equal(cgroup_create(&cg, &h, "0a1b2c-ctr", &mem, false, &err), -EOPNOTSUPP);
	assert_non_null(strstr(err.msg, "no usable cgroup hierarchy"));
	/* A forced null manager on a layout that has cgroups (rootless). */
	h.layout = CGROUP_LAYOUT_V2;
	assert_int_equal(cgroup_create(&cg, &h, "0a1b2c-ctr", &none, true, &err), 0);
	assert_string_equal(cg.ops->name, "none");
	cgroup_destroy(&cg);
}

static void test_limit_needs_its_controller(void **state)
{
	struct cgroup_hosts v2 = {.layout = CGROUP_LAYOUT_V2, .v2 = "/nonexistent"};
	struct cgroup_hosts v1 = {.layout = CGROUP_LAYOUT_V1};
	struct cgroup_limits pids = {.pids_max = 8}, mem = {.memory_mib = 64}, none = {0};
	struct cgroup cg;
	struct iso_err err = {0};

	(void)state;
	/* Refused before any directory is made: a limit never goes unenforced. */
	assert_int_equal(cgroup_create(&cg, &v2, "0a1b2c-ctr", &pids, false, &err), -EOPNOTSUPP);
	assert_non_null(strstr(err.msg, "not available in /nonexistent"));
	assert_int_equal(cgroup_create(&cg, &v1, "0a1b2c-ctr", &mem, false, &err), -EOPNOTSUPP);
	assert_non_null(strstr(err.msg, "no hierarchy for the memory controller"));
	/* Without limits a missing memory hierarchy only costs the charge. */
	assert_int_equal(cgroup_create(&cg, &v1, "0a1b2c-ctr", &none, false, &err), 0);
	assert_int_equal(cg.ndirs, 0);
	cgroup_destroy(&cg);
}

static void test_default_caps(void **state)
{
	(void)state;
	/* The well-known CapEff of a default Docker/containerd container. */
	assert_int_equal(ctr_caps_default_mask(), 0xa80425fbull);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_detect_plain_dir),
		cmocka_unit_test(test_read_key),
		cmocka_unit_test(test_null_manager),
		cmocka_unit_test(test_limit_needs_its_controller),
		cmocka_unit_test(test_default_caps),
	};
	return cmocka_run_group_tests_name("ctr_cgroup", tests, NULL, NULL);
}
