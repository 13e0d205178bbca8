/* bench: run the suite, list what it knows, check the host, sweep
 * leftovers; report/compare/ab read result sets. One table of
 * subcommands. */
#include <stdio.h>
#include <string.h>

#include "bench_cli.h"

struct subcommand {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct subcommand subcommands[] = {
	{"run", cmd_run, "run the suite and write a result set"},
	{"list", cmd_list, "backends and workloads, with availability"},
	{"doctor", cmd_doctor, "what this host can run: KVM, cgroups, perf, peers"},
	{"clean", cmd_clean, "remove every object left by crashed runs"},
	{"report", cmd_report, "charts, Markdown and HTML from result sets"},
	{"compare", cmd_compare, "regression gate: BASE vs HEAD result sets"},
	{"ab", cmd_ab, "build two revisions, run them interleaved, gate"},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: bench COMMAND [OPTIONS]   (bench COMMAND --help)\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		fprintf(out, "  %-8s %s\n", subcommands[i].name, subcommands[i].summary);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return BENCH_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return BENCH_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(subcommands) / sizeof(subcommands[0]); i++)
		if (!strcmp(argv[1], subcommands[i].name))
			return subcommands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "bench: unknown command '%s' (try: bench --help)\n", argv[1]);
	return BENCH_EXIT_USAGE;
}
