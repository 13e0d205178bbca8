/* isoctr run's command line: accepted forms, derived limits, and the exit
 * class of every kind of bad argument. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctr.h"

#define ARGC(v) ((int)(sizeof(v) / sizeof((v)[0])) - 1)

/* One parse's results; the fixture of every test. */
struct parsed {
	struct ctr_config cfg;
	enum ctr_exit cls;
	struct iso_err err;
};

static int setup(void **state)
{
	struct parsed *p = calloc(1, sizeof(*p));

	if (!p)
		return -1;
	ctr_config_init(&p->cfg);
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	struct parsed *p = *state;

	ctr_config_release(&p->cfg);
	free(p);
	return 0;
}

/* Parse `argv` into the fixture (releasing the previous parse). */
#define PARSE(p, argv) parse(p, argv, ARGC(argv))
static int parse(struct parsed *p, char **argv, int argc)
{
	ctr_config_release(&p->cfg);
	ctr_config_init(&p->cfg);
	p->cls = 0;
	iso_err_clear(&p->err);
	return ctr_opts_parse(argc, argv, &p->cfg, &p->cls, &p->err);
}

static void test_full_line(void **state)
{
	char *argv[] = {"run",	      "--rootfs",  "/r",     "--memory",
			"64",	      "--pids=32", "--cpus", "1.5",
			"--hostname", "h1",	   "--name", "c-1",
			"--run-id",   "0a1b2c",	   "--bind", "/bin/busybox:/tmp/bb",
			"--env",      "A=b",	   "--cwd",  "/tmp",
			"--",	      "/init",	   "ready",  "--not-ours",
			NULL};
	struct parsed *p = *state;
	struct ctr_config *cfg = &p->cfg;

	assert_int_equal(PARSE(p, argv), 0);
	assert_string_equal(cfg->rootfs, "/r");
	assert_int_equal(cfg->memory_mib, 64);
	assert_int_equal(cfg->pids_max, 32);
	assert_int_equal(cfg->cpu_quota_us, 150000);
	assert_int_equal(cfg->cpu_period_us, 100000);
	assert_string_equal(cfg->hostname, "h1");
	assert_string_equal(cfg->name, "c-1");
	assert_string_equal(cfg->rid, "0a1b2c");
	assert_int_equal(cfg->nbinds, 1);
	assert_string_equal(cfg->binds[0].src, "/bin/busybox");
	assert_string_equal(cfg->binds[0].dst, "/tmp/bb");
	assert_int_equal(cfg->nenv, 1);
	assert_string_equal(cfg->env[0], "A=b");
	assert_string_equal(cfg->cwd, "/tmp");
	/* PROGRAM's own options are left to it. */
	assert_string_equal(cfg->argv[0], "/init");
	assert_string_equal(cfg->argv[2], "--not-ours");
	assert_null(cfg->argv[3]);
	assert_int_equal(cfg->namespaces, CTR_NS_DEFAULT);
	assert_int_equal(cfg->events_fd, -1);
	ctr_config_release(cfg);
	ctr_config_release(cfg); /* idempotent */
}

static void test_defaults_and_help(void **state)
{
	char *minimal[] = {"run", "--rootfs", "/r", "/bin/ready", NULL};
	char *help[] = {"run", "--help", NULL};
	char *nocg[] = {"run", "--rootfs", "/r", "--no-cgroup", "x", NULL};
	struct parsed *p = *state;
	struct ctr_config *cfg = &p->cfg;

	assert_int_equal(PARSE(p, minimal), 0);
	assert_string_equal(cfg->name, "ctr");
	assert_int_equal(cfg->memory_mib, 0);
	assert_int_equal(cfg->cpu_quota_us, 0);
	assert_false(cfg->no_cgroup);
	assert_null(cfg->netns);
	assert_int_equal(PARSE(p, nocg), 0);
	assert_true(cfg->no_cgroup);
	assert_int_equal(PARSE(p, help), 1);
}

/* Every kind of bad argument: its exit class and what its one line names. */
static const struct {
	const char *line;
	enum ctr_exit cls;
	const char *msg_part;
} bad_input[] = {
	{"run --rootfs /r --memory lots -- x", CTR_EXIT_LIMIT, "--memory 'lots'"},
	{"run --rootfs /r --memory 3 -- x", CTR_EXIT_LIMIT, "at least 4"},
	{"run --rootfs /r --pids 0 -- x", CTR_EXIT_LIMIT, "--pids '0'"},
	{"run --rootfs /r --cpus 0.001 -- x", CTR_EXIT_LIMIT, "--cpus"},
	{"run --rootfs /r --cpus nan -- x", CTR_EXIT_LIMIT, "--cpus"},
	{"run --rootfs /r --no-cgroup --pids 8 x", CTR_EXIT_LIMIT, "need a cgroup"},
	{"run --rootfs /r --frob -- x", CTR_EXIT_USAGE, "--frob"},
	{"run -- x", CTR_EXIT_USAGE, "--rootfs"},
	{"run --rootfs /r", CTR_EXIT_USAGE, "no PROGRAM"},
	{"run --rootfs /r --run-id XYZ x", CTR_EXIT_USAGE, "6 lowercase hex"},
	{"run --rootfs /r --name a/b x", CTR_EXIT_USAGE, "--name 'a/b'"},
	{"run --rootfs /r --hostname  x", CTR_EXIT_USAGE, "1-63 characters"},
	{"run --rootfs /r --bind /a:rel x", CTR_EXIT_USAGE, "SRC:/DST"},
	{"run --rootfs /r --env NOEQUALS x", CTR_EXIT_USAGE, "KEY=VALUE"},
	{"run --rootfs /r --cwd rel x", CTR_EXIT_USAGE, "absolute path"},
	{"run --rootfs /r --events-fd 999 x", CTR_EXIT_USAGE, "open file descriptor"},
	{"run --rootfs /r --netns n --bridge br0 x", CTR_EXIT_NET, "go together"},
	{"run --rootfs /r --netns n --ip 10.0.0.2/24 x", CTR_EXIT_NET, "go together"},
	{"run --rootfs /r --bridge br0123456789abcd x", CTR_EXIT_NET, "1-15 characters"},
	{"run --rootfs /r --ip 10.0.0.300/24 x", CTR_EXIT_NET, "ADDR/PREFIX"},
	{"run --rootfs /r --ip 10.0.0.2 x", CTR_EXIT_NET, "ADDR/PREFIX"},
	{"run --rootfs /r --gw gateway x", CTR_EXIT_NET, "IPv4 address"},
	{"run --rootfs /r --netns n --bridge b --ip 10.9.0.2/24 --gw 10.8.0.1 x", CTR_EXIT_NET,
	 "outside the subnet"},
	{"run --rootfs /r --netns n --bridge b --ip 10.9.0.2/32 --gw 10.9.0.1 x", CTR_EXIT_NET,
	 "outside the subnet"},
};

static void test_bad_input(void **state)
{
	struct parsed *p = *state;

	for (size_t i = 0; i < sizeof(bad_input) / sizeof(bad_input[0]); i++) {
		/* Split at single spaces: "a  b" keeps an empty argument. */
		char line[128], *argv[16], *w = line;
		int argc = 0;

		snprintf(line, sizeof(line), "%s", bad_input[i].line);
		while (w) {
			argv[argc++] = w;
			if ((w = strchr(w, ' ')))
				*w++ = '\0';
		}
		argv[argc] = NULL;
		if (parse(p, argv, argc) != -EINVAL || p->cls != bad_input[i].cls ||
		    !strstr(p->err.msg, bad_input[i].msg_part) || strchr(p->err.msg, '\n'))
			fail_msg("'%s': exit class %d, message '%s'", bad_input[i].line, p->cls,
				 p->err.msg);
	}
}

static void test_network_options(void **state)
{
	char *good[] = {"run",	    "--rootfs", "/r",	"--netns",     "isob-0a1b2c-br",
			"--bridge", "br0",	"--ip", "10.0.0.2/24", "--gw",
			"10.0.0.1", "x",	NULL};
	struct parsed *p = *state;
	struct ctr_config *cfg = &p->cfg;

	assert_int_equal(PARSE(p, good), 0);
	assert_string_equal(cfg->netns, "isob-0a1b2c-br");
	assert_string_equal(cfg->bridge, "br0");
	assert_string_equal(cfg->ip, "10.0.0.2/24");
	assert_string_equal(cfg->gw, "10.0.0.1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_full_line, setup, teardown),
		cmocka_unit_test_setup_teardown(test_defaults_and_help, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_network_options, setup, teardown),
	};
	return cmocka_run_group_tests_name("ctr_opts", tests, NULL, NULL);
}
