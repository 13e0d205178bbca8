/* The sweeper and run ids on fixture trees (no root): which objects of
 * which runs are found, in what order, and that state and cgroup
 * directories of dead runs go while live runs stay. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "runid.h"
#include "sweep.h"

#define LIVE "aaaaa1" /* owner.pid names this test process */
#define DEAD "bbbbb2" /* owner.pid names a process that does not exist */
#define ORPH "ccccc3" /* no owner record at all */

struct fixture {
	char root[64];
	char state[128], netns[128], cgroup[128], mountinfo[128];
};

/* mkdir -p BASE/REL */
static void mkdirs(const char *base, const char *rel)
{
	char path[512], *p;

	snprintf(path, sizeof(path), "%s/%s", base, rel);
	for (p = path + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	char path[512], line[2048];

	snprintf(fx->root, sizeof(fx->root), "/tmp/test_sweep.XXXXXX");
	assert_non_null(mkdtemp(fx->root));
	snprintf(fx->state, sizeof(fx->state), "%s/run", fx->root);
	snprintf(fx->netns, sizeof(fx->netns), "%s/netns", fx->root);
	snprintf(fx->cgroup, sizeof(fx->cgroup), "%s/cg", fx->root);
	snprintf(fx->mountinfo, sizeof(fx->mountinfo), "%s/mountinfo", fx->root);
	/* Run state: live (us), dead (a pid that cannot exist), orphan. */
	assert_int_equal(runid_state_create(fx->state, LIVE, getpid(), NULL), 0);
	assert_int_equal(runid_state_create(fx->state, DEAD, getpid(), NULL), 0);
	snprintf(path, sizeof(path), "%s/%s/%s", fx->state, DEAD, RUNID_OWNER_FILE);
	put(path, "4194304 12345\n");
	/* cgroups: v1 hierarchies below the root, plus a v2 one at the root. */
	mkdirs(fx->cgroup, "memory/isobench/" DEAD "-ctr/sub");
	mkdirs(fx->cgroup, "pids/isobench/" LIVE "-ctr");
	mkdirs(fx->cgroup, "isobench/" ORPH "-x");
	mkdirs(fx->cgroup, "memory/isobench/not-a-run");
	snprintf(path, sizeof(path), "%s/memory/isobench/%s-ctr/cgroup.procs", fx->cgroup, DEAD);
	put(path, "4242\n4243\n");
	/* Named netns, and one that is not ours. */
	mkdirs(fx->netns, ".");
	snprintf(path, sizeof(path), "%s/isob-%s-br", fx->netns, DEAD);
	put(path, "");
	snprintf(path, sizeof(path), "%s/isob-%s-br", fx->netns, LIVE);
	put(path, "");
	snprintf(path, sizeof(path), "%s/other", fx->netns);
	put(path, "");
	/* Mounts under the state dirs, one with an escaped space. */
	snprintf(line, sizeof(line),
		 "36 25 0:32 / %s/%s/m rw shared:1 - tmpfs none rw\n"
		 "37 25 0:33 / %s/%s/m\\040deep/x rw - tmpfs none rw\n"
		 "38 25 0:34 / %s/%s/m rw - tmpfs none rw\n",
		 fx->state, DEAD, fx->state, DEAD, fx->state, LIVE);
	put(fx->mountinfo, line);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->root);
	assert_int_equal(system(cmd), 0);
	free(fx);
	return 0;
}

static struct sweep_config config(const struct fixture *fx)
{
	struct sweep_config cfg = {
		.state_root = fx->state,
		.netns_root = fx->netns,
		.cgroup_root = fx->cgroup,
		.mountinfo = fx->mountinfo,
		.skip_links = true,
	};
	return cfg;
}

struct seen {
	struct sweep_object v[64];
	int n;
};

static int record(const struct sweep_object *obj, void *ctx)
{
	struct seen *s = ctx;

	assert_true(s->n < 64);
	s->v[s->n++] = *obj;
	return 0;
}

static int find(const struct seen *s, enum sweep_kind kind, const char *name_part)
{
	for (int i = 0; i < s->n; i++)
		if (s->v[i].kind == kind && strstr(s->v[i].name, name_part))
			return i;
	return -1;
}

/* Index of the object of `kind` whose name ends with `suffix`, or -1. */
static int find_end(const struct seen *s, enum sweep_kind kind, const char *suffix)
{
	size_t n = strlen(suffix);

	for (int i = 0; i < s->n; i++) {
		size_t len = strlen(s->v[i].name);
		if (s->v[i].kind == kind && len >= n && !strcmp(s->v[i].name + len - n, suffix))
			return i;
	}
	return -1;
}

static void test_runid(void **state)
{
	char rid[RUNID_BUF], out[RUNID_BUF];

	(void)state;
	assert_int_equal(runid_generate(rid, NULL), 0);
	assert_true(runid_valid(rid));
	assert_false(runid_valid("ABCDEF"));
	assert_false(runid_valid("abcde"));
	assert_false(runid_valid("abcdef0"));
	assert_true(runid_from_name("isob-1a2b3c-br", RUNID_NETNS_PREFIX, out));
	assert_string_equal(out, "1a2b3c");
	assert_true(runid_from_name("ib1a2b3cv0", RUNID_LINK_PREFIX, out));
	assert_string_equal(out, "1a2b3c");
	assert_false(runid_from_name("ib1a2b", RUNID_LINK_PREFIX, out));
	assert_false(runid_from_name("eth0", RUNID_LINK_PREFIX, out));
	assert_false(runid_from_name("isob-XYZ123-br", RUNID_NETNS_PREFIX, out));
	assert_int_not_equal(runid_proc_starttime(getpid()), 0);
	assert_int_equal(runid_proc_starttime(4194304), 0);
}

static void test_owner(void **state)
{
	struct fixture *fx = *state;

	assert_true(runid_owner_alive(fx->state, LIVE));
	assert_false(runid_owner_alive(fx->state, DEAD));
	assert_false(runid_owner_alive(fx->state, ORPH));
	assert_int_equal(runid_state_create(fx->state, LIVE, getpid(), NULL), -EEXIST);
}

static void test_collect_dead_runs_only(void **state)
{
	struct fixture *fx = *state;
	struct sweep_config cfg = config(fx);
	struct seen s = {0};
	int child, parent, p1, m_deep, m_shallow;

	assert_int_equal(sweep_collect(&cfg, record, &s, NULL), 0);
	for (int i = 0; i < s.n; i++)
		assert_string_not_equal(s.v[i].rid, LIVE);
	/* processes of the dead run's cgroup come first */
	p1 = find(&s, SWEEP_PROCESS, "4242");
	assert_int_equal(p1, 0);
	assert_int_equal(find(&s, SWEEP_PROCESS, "4243"), 1);
	/* deeper mount first, with its escape undone */
	m_deep = find(&s, SWEEP_MOUNT, "m deep/x");
	m_shallow = find_end(&s, SWEEP_MOUNT, DEAD "/m");
	assert_true(m_deep >= 0 && m_shallow > m_deep);
	assert_true(find(&s, SWEEP_NETNS, "isob-" DEAD "-br") > m_shallow);
	assert_int_equal(find(&s, SWEEP_NETNS, "other"), -1);
	/* child cgroup before its parent; the v2-style root one too */
	child = find_end(&s, SWEEP_CGROUP, DEAD "-ctr/sub");
	parent = find_end(&s, SWEEP_CGROUP, DEAD "-ctr");
	assert_true(child >= 0 && parent > child);
	assert_true(find(&s, SWEEP_CGROUP, ORPH "-x") >= 0);
	assert_int_equal(find(&s, SWEEP_CGROUP, "not-a-run"), -1);
	/* state dir last */
	assert_int_equal(s.v[s.n - 1].kind, SWEEP_STATE);
	assert_string_equal(s.v[s.n - 1].rid, DEAD);
}

static void test_collect_one_run_and_forced(void **state)
{
	struct fixture *fx = *state;
	struct sweep_config cfg = config(fx);
	struct seen s = {0};
	struct iso_err err = {0};

	cfg.only_rid = LIVE;
	assert_int_equal(sweep_collect(&cfg, record, &s, NULL), 0);
	assert_int_equal(s.n, 0); /* alive: left alone */
	cfg.include_live = true;
	assert_int_equal(sweep_collect(&cfg, record, &s, NULL), 0);
	assert_true(s.n > 0);
	for (int i = 0; i < s.n; i++)
		assert_string_equal(s.v[i].rid, LIVE);
	cfg.only_rid = "nope";
	assert_int_equal(sweep_collect(&cfg, record, &s, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "invalid run id"));
}

static void test_run_removes_state_and_cgroups(void **state)
{
	struct fixture *fx = *state;
	struct sweep_config cfg = config(fx);
	struct sweep_stats st;
	char path[512];

	/* Without the netns and mount objects (unmounting needs root), and
	 * without member files in the cgroup dirs (real cgroupfs has them,
	 * a plain directory with files cannot be rmdir'ed). */
	cfg.netns_root = "/nonexistent";
	put(fx->mountinfo, "");
	snprintf(path, sizeof(path), "%s/memory/isobench/%s-ctr/cgroup.procs", fx->cgroup, DEAD);
	unlink(path);
	assert_int_equal(sweep_run(&cfg, &st, NULL), 0);
	assert_int_equal(st.failed, 0);
	assert_int_equal(st.removed[SWEEP_STATE], 1); /* the orphan has none */
	assert_int_equal(st.removed[SWEEP_CGROUP], 3);
	snprintf(path, sizeof(path), "%s/%s", fx->state, DEAD);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/memory/isobench/%s-ctr", fx->cgroup, DEAD);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/isobench/%s-x", fx->cgroup, ORPH);
	assert_int_equal(access(path, F_OK), -1);
	snprintf(path, sizeof(path), "%s/%s/%s", fx->state, LIVE, RUNID_OWNER_FILE);
	assert_int_equal(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/pids/isobench/%s-ctr", fx->cgroup, LIVE);
	assert_int_equal(access(path, F_OK), 0);
	assert_int_equal(runid_state_remove(fx->state, LIVE, NULL), 0);
	assert_int_equal(runid_state_remove(fx->state, LIVE, NULL), 0); /* idempotent */
	snprintf(path, sizeof(path), "%s/%s", fx->state, LIVE);
	assert_int_equal(access(path, F_OK), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_runid),
		cmocka_unit_test_setup_teardown(test_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(test_collect_dead_runs_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_collect_one_run_and_forced, setup, teardown),
		cmocka_unit_test_setup_teardown(test_run_removes_state_and_cgroups, setup,
						teardown),
	};
	return cmocka_run_group_tests_name("sweep", tests, NULL, NULL);
}
