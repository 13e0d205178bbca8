/* bench report: charts, Markdown and HTML from one or more result sets. */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_cli.h"
#include "cleanup.h"
#include "report.h"
#include "results.h"

static void report_usage(FILE *out)
{
	fprintf(out, "usage: bench report [--out DIR] RESULTS...\n\n"
		     "RESULTS is a result directory (holding results.json) or a results.json.\n"
		     "Writes report.md, report.html and the charts (*.svg, *.png, *.dat) into\n"
		     "--out, by default <first RESULTS directory>/report. Claims and the\n"
		     "environment come from the first set; charts show every set.\n");
}

/* Directory of a result set argument: itself, or the file's directory. */
static void set_dir(const char *arg, char *dir, size_t cap)
{
	size_t n = strlen(arg);

	snprintf(dir, cap, "%s", arg);
	if (n > 5 && strcmp(arg + n - 5, ".json") == 0) {
		cleanup_free char *copy = strdup(arg);

		snprintf(dir, cap, "%s", copy ? dirname(copy) : ".");
	}
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{"out", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	char outdir[PATH_MAX] = "", top[PATH_MAX], gpdir[PATH_MAX + 32];
	char dirs[8][PATH_MAX];
	struct report_input in[8];
	struct results *sets[8] = {0};
	struct iso_err err = {0};
	size_t n = 0;
	int c, r, status = BENCH_EXIT_OK;

	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			snprintf(outdir, sizeof(outdir), "%s", optarg);
			break;
		case 'h':
			report_usage(stdout);
			return BENCH_EXIT_OK;
		default:
			return cli_usage_error("report", "bad option (try: bench report --help)");
		}
	}
	if (optind >= argc)
		return cli_usage_error("report", "no result set given (try: bench report --help)");
	if (argc - optind > 8)
		return cli_usage_error("report", "at most 8 result sets");
	if (session_top(top, sizeof(top), &err) < 0) {
		iso_err_print(&err, "bench report");
		return BENCH_EXIT_FAIL;
	}
	snprintf(gpdir, sizeof(gpdir), "%s/scripts/gnuplot", top);

	for (int i = optind; i < argc; i++, n++) {
		r = results_load_path(argv[i], &sets[n], &err);
		if (r < 0) {
			status = BENCH_EXIT_USAGE;
			goto out;
		}
		set_dir(argv[i], dirs[n], sizeof(dirs[n]));
		in[n] = (struct report_input){.label = basename(dirs[n]), .rs = sets[n]};
	}
	if (!outdir[0]) {
		set_dir(argv[optind], outdir, sizeof(outdir) - 8);
		strcat(outdir, "/report");
	}
	r = report_write(in, n, outdir, gpdir, &err);
	if (r < 0)
		status = BENCH_EXIT_FAIL;
	else
		printf("bench report: %s/report.md, %s/report.html\n", outdir, outdir);
out:
	if (status != BENCH_EXIT_OK)
		iso_err_print(&err, "bench report");
	for (size_t i = 0; i < n; i++)
		results_destroy(sets[i]);
	return status;
}
