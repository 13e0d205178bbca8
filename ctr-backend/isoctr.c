/* isoctr: the namespace container runtime's command line. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "ctr.h"
#include "sweep.h"

static const char main_help[] =
	"usage: isoctr run --rootfs DIR [options] -- PROGRAM [ARGS...]\n"
	"       isoctr sweep [--all] [--run RID] [--dry-run]\n"
	"       isoctr {run|sweep} --help\n"
	"       isoctr --version\n"
	"\n"
	"A namespace container runtime for benchmarks: PROGRAM runs as PID 1 in\n"
	"new pid, mount, network, uts, ipc and cgroup namespaces, on a read-only\n"
	"rootfs entered with pivot_root, in its own cgroup, and isoctr exits with\n"
	"its exit status.\n";

static const char run_help[] =
	"usage: isoctr run --rootfs DIR [options] -- PROGRAM [ARGS...]\n"
	"\n"
	"  --rootfs DIR        root filesystem (needs /proc /dev /tmp directories);\n"
	"                      bind-mounted read-only, shared between instances\n"
	"  --rootfs-rw         keep the rootfs writable\n"
	"  --bundle DIR        read an OCI bundle's config.json (subset: README.md);\n"
	"                      options after it override it\n"
	"  --name NAME         container name, [a-z0-9_-]{1,31} (default ctr):\n"
	"                      cgroup isobench/<rid>-NAME, state /run/isobench/<rid>/ctr-NAME\n"
	"  --run-id RID        6 hex chars; default: a fresh one. With a run id whose\n"
	"                      state dir exists, that run's owner stays its owner\n"
	"  --hostname NAME     default NAME-<rid>\n"
	"  --memory MIB        memory limit (swap capped too); OOM kill -> status 137\n"
	"  --pids N            pids limit\n"
	"  --cpus FLOAT        CPU bandwidth limit (CFS quota per 100 ms period)\n"
	"  --no-cgroup         no cgroup of its own (no limits then): the set-up\n"
	"                      of bwrap --unshare-all, for comparisons\n"
	"  --netns NAME --bridge BR --ip ADDR/PREFIX [--gw ADDR]\n"
	"                      veth: eth0 with ADDR inside; outer end ib<rid>c<n> on\n"
	"                      bridge BR in netns NAME (/run/netns/NAME or a path).\n"
	"                      Without them: an empty netns, loopback up only\n"
	"  --bind SRC:/DST     read-only bind of a host path (DST created on tmpfs)\n"
	"  --env KEY=VALUE     add to PROGRAM's environment\n"
	"  --cwd DIR           PROGRAM's working directory (default /)\n"
	"  --userns            also a user namespace: root inside is the caller\n"
	"  --events            print event lines on stderr\n"
	"  --events-fd N       write event lines to descriptor N\n"
	"\n"
	"PROGRAM gets BENCH_PORT=fd:3; its bench port messages are forwarded as\n"
	"event lines (harness/port_wire.h) with the host monotonic time, plus\n"
	"PHASE cgroup|clone|net|netns|pivot|exec, REPORT oom_kill N after an OOM kill,\n"
	"and an EXIT line at the end if the init sent none.\n"
	"\n"
	"Exit status: PROGRAM's (128+N when killed by signal N; 137 when the\n"
	"cgroup OOM-killed a process; 128+N when isoctr got SIGINT/SIGTERM/SIGHUP),\n"
	"or isoctr's own:\n"
	"  116 usage: unknown option, malformed argument, container name in use\n"
	"  117 bad --memory/--pids/--cpus value, or a limit the kernel rejected\n"
	"  118 rootfs missing, not a directory, or lacking /proc /dev /tmp\n"
	"  119 --netns names no network namespace\n"
	"  120 network: unknown bridge, bad address, veth set-up failed\n"
	"  121 malformed or unsupported OCI bundle\n"
	"  122 cgroup creation failed\n"
	"  125 other isoctr failure\n"
	"  126 PROGRAM cannot be executed\n"
	"  127 PROGRAM not found in the rootfs\n";

static const char sweep_help[] =
	"usage: isoctr sweep [--all] [--run RID] [--dry-run]\n"
	"\n"
	"Remove what runs left behind: processes, mounts under /run/isobench/<rid>,\n"
	"netns isob-<rid>-*, links ib<rid>*, cgroups */isobench/<rid>-*, state dirs.\n"
	"By default only runs whose owner (owner.pid) is dead.\n"
	"  --all       also runs whose owner is alive (kills them)\n"
	"  --run RID   only this run\n"
	"  --dry-run   list, remove nothing\n"
	"Exit status: 0 all removed, 1 something could not be removed, 116 usage.\n";

static int print_object(const struct sweep_object *obj, void *ctx)
{
	(void)ctx;
	printf("%s %s %s\n", obj->rid, sweep_kind_name(obj->kind), obj->name);
	return 0;
}

static int cmd_sweep(int argc, char **argv)
{
	static const struct option opts[] = {
		{"all", no_argument, NULL, 'a'},
		{"run", required_argument, NULL, 'r'},
		{"dry-run", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct sweep_config cfg = {0};
	struct sweep_stats st;
	struct iso_err err = {0};
	bool dry = false;
	int opt, r;

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (opt) {
		case 'a':
			cfg.include_live = true;
			break;
		case 'r':
			if (!runid_valid(optarg)) {
				fprintf(stderr, "isoctr: sweep: --run '%s': want 6 hex chars\n",
					optarg);
				return CTR_EXIT_USAGE;
			}
			cfg.only_rid = optarg;
			break;
		case 'n':
			dry = true;
			break;
		case 'h':
			fputs(sweep_help, stdout);
			return 0;
		default:
			fprintf(stderr,
				"isoctr: sweep: bad option '%s' (see isoctr sweep --help)\n",
				argv[optind - 1]);
			return CTR_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "isoctr: sweep: unexpected argument '%s'\n", argv[optind]);
		return CTR_EXIT_USAGE;
	}
	if (dry) {
		r = sweep_collect(&cfg, print_object, NULL, &err);
	} else {
		r = sweep_run(&cfg, &st, &err);
		for (int k = 0; k < SWEEP_KIND_COUNT; k++)
			if (st.removed[k])
				printf("removed %u %s\n", st.removed[k],
				       sweep_kind_name((enum sweep_kind)k));
	}
	if (r < 0) {
		iso_err_print(&err, "isoctr");
		return 1;
	}
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	struct ctr_config cfg;
	struct ctr_result res;
	struct iso_err err = {0};
	enum ctr_exit cls = CTR_EXIT_USAGE;
	int r;

	ctr_config_init(&cfg);
	r = ctr_opts_parse(argc, argv, &cfg, &cls, &err);
	if (r == 1) {
		fputs(run_help, stdout);
		ctr_config_release(&cfg);
		return 0;
	}
	if (r == 0)
		r = ctr_run(&cfg, &res, &cls, &err);
	ctr_config_release(&cfg);
	if (r < 0) {
		iso_err_print(&err, "isoctr");
		return cls;
	}
	if (res.rejected)
		fprintf(stderr, "isoctr: %lu malformed bench port frame(s); first: %s\n",
			res.rejected, res.first_reject.msg);
	if (res.oom)
		fprintf(stderr, "isoctr: container %s-%s was OOM-killed (limit %llu MiB)\n",
			res.rid, cfg.name, (unsigned long long)cfg.memory_mib);
	return res.status;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(main_help, stderr);
		return CTR_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(main_help, stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		puts(CTR_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "sweep"))
		return cmd_sweep(argc - 1, argv + 1);
	fprintf(stderr, "isoctr: unknown command '%s' (see isoctr --help)\n", argv[1]);
	return CTR_EXIT_USAGE;
}
