/* isoctr run's command line: accepted forms, derived limits, and the exit
 * class of every kind of bad argument. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "ctr.h"

#define ARGC(v) ((int)(sizeof(v) / sizeof((v)[0])) - 1)

static int parse(char **argv, int argc, struct ctr_config *cfg, enum ctr_exit *cls,
		 struct iso_err *err)
{
	ctr_config_init(cfg);
	iso_err_clear(err);
	return ctr_opts_parse(argc, argv, cfg, cls, err);
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
	struct ctr_config cfg;
	enum ctr_exit cls;
	struct iso_err err;

	(void)state;
	assert_int_equal(parse(argv, ARGC(argv), &cfg, &cls, &err), 0);
	assert_string_equal(cfg.rootfs, "/r");
	assert_int_equal(cfg.memory_mib, 64);
	assert_int_equal(cfg.pids_max, 32);
	assert_int_equal(cfg.cpu_quota_us, 150000);
	assert_int_equal(cfg.cpu_period_us, 100000);
	assert_string_equal(cfg.hostname, "h1");
	assert_string_equal(cfg.name, "c-1");
	assert_string_equal(cfg.rid, "0a1b2c");
	assert_int_equal(cfg.nbinds, 1);
	assert_string_equal(cfg.binds[0].src, "/bin/busybox");
	assert_string_equal(cfg.binds[0].dst, "/tmp/bb");
	assert_int_equal(cfg.nenv, 1);
	assert_string_equal(cfg.env[0], "A=b");
	assert_string_equal(cfg.cwd, "/tmp");
	/* PROGRAM's own options are left to it. */
	assert_string_equal(cfg.argv[0], "/init");
	assert_string_equal(cfg.argv[2], "--not-ours");
	assert_null(cfg.argv[3]);
	assert_int_equal(cfg.namespaces, CTR_NS_DEFAULT);
	assert_int_equal(cfg.events_fd, -1);
	ctr_config_release(&cfg);
	ctr_config_release(&cfg); /* idempotent */
}

static void test_defaults_and_help(void **state)
{
	char *minimal[] = {"run", "--rootfs", "/r", "/bin/ready", NULL};
	char *help[] = {"run", "--help", NULL};
	struct ctr_config cfg;
	enum ctr_exit cls;
	struct iso_err err;

	(void)state;
	assert_int_equal(parse(minimal, ARGC(minimal), &cfg, &cls, &err), 0);
	assert_string_equal(cfg.name, "ctr");
	assert_int_equal(cfg.memory_mib, 0);
	assert_int_equal(cfg.cpu_quota_us, 0);
	assert_null(cfg.netns);
	assert_int_equal(parse(help, ARGC(help), &cfg, &cls, &err), 1);
}

static void expect(char **argv, int argc, enum ctr_exit want, const char *msg_part)
{
	struct ctr_config cfg;
	enum ctr_exit cls = 0;
	struct iso_err err;

	assert_int_equal(parse(argv, argc, &cfg, &cls, &err), -EINVAL);
	ctr_config_release(&cfg);
	assert_int_equal(cls, want);
	assert_non_null(strstr(err.msg, msg_part));
	assert_null(strchr(err.msg, '\n'));
}

static void test_bad_limits(void **state)
{
	char *mem[] = {"run", "--rootfs", "/r", "--memory", "lots", "--", "x", NULL};
	char *small[] = {"run", "--rootfs", "/r", "--memory", "3", "--", "x", NULL};
	char *pids[] = {"run", "--rootfs", "/r", "--pids", "0", "--", "x", NULL};
	char *cpus[] = {"run", "--rootfs", "/r", "--cpus", "0.001", "--", "x", NULL};
	char *nan[] = {"run", "--rootfs", "/r", "--cpus", "nan", "--", "x", NULL};

	(void)state;
	expect(mem, ARGC(mem), CTR_EXIT_LIMIT, "--memory 'lots'");
	expect(small, ARGC(small), CTR_EXIT_LIMIT, "at least 4");
	expect(pids, ARGC(pids), CTR_EXIT_LIMIT, "--pids '0'");
	expect(cpus, ARGC(cpus), CTR_EXIT_LIMIT, "--cpus");
	expect(nan, ARGC(nan), CTR_EXIT_LIMIT, "--cpus");
}

static void test_bad_usage(void **state)
{
	char *unknown[] = {"run", "--rootfs", "/r", "--frob", "--", "x", NULL};
	char *norootfs[] = {"run", "--", "x", NULL};
	char *noprog[] = {"run", "--rootfs", "/r", NULL};
	char *rid[] = {"run", "--rootfs", "/r", "--run-id", "XYZ", "x", NULL};
	char *name[] = {"run", "--rootfs", "/r", "--name", "a/b", "x", NULL};
	char *bind[] = {"run", "--rootfs", "/r", "--bind", "/a:rel", "x", NULL};
	char *env[] = {"run", "--rootfs", "/r", "--env", "NOEQUALS", "x", NULL};
	char *fd[] = {"run", "--rootfs", "/r", "--events-fd", "999", "x", NULL};

	(void)state;
	expect(unknown, ARGC(unknown), CTR_EXIT_USAGE, "--frob");
	expect(norootfs, ARGC(norootfs), CTR_EXIT_USAGE, "--rootfs");
	expect(noprog, ARGC(noprog), CTR_EXIT_USAGE, "no PROGRAM");
	expect(rid, ARGC(rid), CTR_EXIT_USAGE, "6 lowercase hex");
	expect(name, ARGC(name), CTR_EXIT_USAGE, "--name 'a/b'");
	expect(bind, ARGC(bind), CTR_EXIT_USAGE, "SRC:/DST");
	expect(env, ARGC(env), CTR_EXIT_USAGE, "KEY=VALUE");
	expect(fd, ARGC(fd), CTR_EXIT_USAGE, "open file descriptor");
}

static void test_network_options(void **state)
{
	char *good[] = {"run",	    "--rootfs", "/r",	"--netns",     "isob-0a1b2c-br",
			"--bridge", "br0",	"--ip", "10.0.0.2/24", "--gw",
			"10.0.0.1", "x",	NULL};
	char *noip[] = {"run", "--rootfs", "/r", "--netns", "n", "--bridge", "br0", "x", NULL};
	char *nobr[] = {"run", "--rootfs", "/r", "--netns", "n", "--ip", "10.0.0.2/24", "x", NULL};
	char *badip[] = {"run", "--rootfs", "/r", "--ip", "10.0.0.300/24", "x", NULL};
	char *noprefix[] = {"run", "--rootfs", "/r", "--ip", "10.0.0.2", "x", NULL};
	char *badgw[] = {"run", "--rootfs", "/r", "--gw", "gateway", "x", NULL};
	struct ctr_config cfg;
	enum ctr_exit cls;
	struct iso_err err;

	(void)state;
	assert_int_equal(parse(good, ARGC(good), &cfg, &cls, &err), 0);
	assert_string_equal(cfg.netns, "isob-0a1b2c-br");
	assert_string_equal(cfg.bridge, "br0");
	assert_string_equal(cfg.ip, "10.0.0.2/24");
	assert_string_equal(cfg.gw, "10.0.0.1");
	expect(noip, ARGC(noip), CTR_EXIT_NET, "go together");
	expect(nobr, ARGC(nobr), CTR_EXIT_NET, "go together");
	expect(badip, ARGC(badip), CTR_EXIT_NET, "ADDR/PREFIX");
	expect(noprefix, ARGC(noprefix), CTR_EXIT_NET, "ADDR/PREFIX");
	expect(badgw, ARGC(badgw), CTR_EXIT_NET, "IPv4 address");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_line),	cmocka_unit_test(test_defaults_and_help),
		cmocka_unit_test(test_bad_limits),	cmocka_unit_test(test_bad_usage),
		cmocka_unit_test(test_network_options),
	};
	return cmocka_run_group_tests_name("ctr_opts", tests, NULL, NULL);
}
