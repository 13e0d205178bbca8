/* /proc probe parsers on fixture text: stat (hostile comm), smaps_rollup,
 * status, meminfo, smaps (guest-RAM mapping), cgroup (v1, v2, hybrid). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "probe_proc.h"

static void test_ppid(void **state)
{
	pid_t ppid = 0;

	(void)state;
	assert_int_equal(probe_proc_parse_ppid("1234 (bash) S 99 1234 1234 0 -1", &ppid), 0);
	assert_int_equal(ppid, 99);
	/* comm may hold spaces and ')' : parse after the last one. */
	assert_int_equal(probe_proc_parse_ppid("77 (a) b) (c) R 5 77 77 0", &ppid), 0);
	assert_int_equal(ppid, 5);
	assert_int_equal(probe_proc_parse_ppid("77 no-parens R 5", &ppid), -EPROTO);
	assert_int_equal(probe_proc_parse_ppid("77 (x)", &ppid), -EPROTO);
}

static const char rollup[] = "55d0c0a00000-7ffd3c5fe000 ---p 00000000 00:00 0    [rollup]\n"
			     "Rss:               66304 kB\n"
			     "Pss:               65871 kB\n"
			     "Pss_Anon:          65600 kB\n"
			     "Shared_Clean:        560 kB\n";

static void test_pss(void **state)
{
	uint64_t kib = 0;

	(void)state;
	assert_int_equal(probe_proc_parse_pss(rollup, &kib), 0);
	assert_int_equal(kib, 65871); /* "Pss:", not "Pss_Anon:" */
	assert_int_equal(probe_proc_parse_pss("Rss: 12 kB\n", &kib), -EPROTO);
	assert_int_equal(probe_proc_parse_pss("Pss: lots\n", &kib), -EPROTO);
}

static void test_threads(void **state)
{
	const char status[] = "Name:\tisovm\nUmask:\t0022\nState:\tS (sleeping)\n"
			      "Tgid:\t4242\nPid:\t4242\nPPid:\t1\nThreads:\t3\n"
			      "SigQ:\t0/95000\n";
	unsigned int t = 0;

	(void)state;
	assert_int_equal(probe_proc_parse_threads(status, &t), 0);
	assert_int_equal(t, 3);
	assert_int_equal(probe_proc_parse_threads("Name:\tx\n", &t), -EPROTO);
}

static void test_memavailable(void **state)
{
	const char meminfo[] = "MemTotal:       24596412 kB\nMemFree:        20000000 kB\n"
			       "MemAvailable:   22123456 kB\nBuffers:           1000 kB\n";
	uint64_t kib = 0;

	(void)state;
	assert_int_equal(probe_proc_parse_memavailable(meminfo, &kib), 0);
	assert_int_equal(kib, 22123456);
}

/* A monitor: its binary, a heap, the 256 MiB guest RAM (partly touched),
 * a smaller anonymous mapping, and a file mapping larger than both. */
static const char smaps[] =
	"55e7c1a00000-55e7c1a40000 r-xp 00000000 08:01 1311 /work/build/isovm\n"
	"Size:                256 kB\nRss:                 200 kB\nPss:                 200 kB\n"
	"55e7c2000000-55e7c2100000 rw-p 00000000 00:00 0                  [heap]\n"
	"Size:               1024 kB\nPss:                  80 kB\n"
	"7f0000000000-7f0010000000 rw-p 00000000 00:00 0 \n"
	"Size:             262144 kB\nRss:               70000 kB\nPss:               69000 kB\n"
	"7f0010000000-7f0010800000 rw-p 00000000 00:00 0 \n"
	"Size:               8192 kB\nPss:                  12 kB\n"
	"7f1000000000-7f1040000000 r--p 00000000 08:01 99 /usr/lib/big.so\n"
	"Size:            1048576 kB\nPss:              500000 kB\n";

static void test_largest_anon(void **state)
{
	uint64_t pss = 0, size = 0;

	(void)state;
	assert_int_equal(probe_proc_parse_largest_anon(smaps, 128 * 1024, &pss, &size), 0);
	assert_int_equal(pss, 69000);
	assert_int_equal(size, 262144);
	/* Nothing anonymous that large. */
	assert_int_equal(probe_proc_parse_largest_anon(smaps, 512 * 1024, &pss, &size), -ENOENT);
}

static void test_memcg(void **state)
{
	const char v1[] = "12:pids:/isobench/1a2b3c-ctr\n11:memory:/isobench/1a2b3c-ctr\n"
			  "10:cpu,cpuacct:/isobench/1a2b3c-ctr\n0::/\n";
	const char v2[] = "0::/isobench/1a2b3c-runc3\n";
	const char joined[] = "4:cpuset,memory:/a/b\n";
	const char none[] = "3:pids:/x\n";
	char path[256];
	int is_v2 = -1;

	(void)state;
	/* Hybrid: the v1 memory hierarchy wins over the empty v2 line. */
	assert_int_equal(probe_proc_parse_memcg(v1, path, sizeof(path), &is_v2), 0);
	assert_string_equal(path, "/isobench/1a2b3c-ctr");
	assert_int_equal(is_v2, 0);
	assert_int_equal(probe_proc_parse_memcg(v2, path, sizeof(path), &is_v2), 0);
	assert_string_equal(path, "/isobench/1a2b3c-runc3");
	assert_int_equal(is_v2, 1);
	assert_int_equal(probe_proc_parse_memcg(joined, path, sizeof(path), &is_v2), 0);
	assert_string_equal(path, "/a/b");
	assert_int_equal(probe_proc_parse_memcg(none, path, sizeof(path), &is_v2), -ENOENT);
	assert_int_equal(probe_proc_parse_memcg(v1, path, 4, &is_v2), -ENAMETOOLONG);
}

/* The live readers on this very process: a tree of one, its threads. */
static void test_self(void **state)
{
	pid_t pids[16];
	unsigned int threads = 0;
	uint64_t kib = 0;
	int n;

	(void)state;
	n = probe_proc_tree(getpid(), pids, 16, NULL);
	assert_true(n >= 1);
	assert_int_equal(pids[0], getpid());
	assert_int_equal(probe_proc_threads(pids, 1, &threads, NULL), 0);
	assert_true(threads >= 1);
	assert_int_equal(probe_proc_pss_kib(pids, 1, &kib, NULL), 0);
	assert_true(kib > 0);
	assert_int_equal(probe_proc_tree(0x7ffffff0, pids, 16, NULL), -ESRCH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ppid),	     cmocka_unit_test(test_pss),
		cmocka_unit_test(test_threads),	     cmocka_unit_test(test_memavailable),
		cmocka_unit_test(test_largest_anon), cmocka_unit_test(test_memcg),
		cmocka_unit_test(test_self),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
