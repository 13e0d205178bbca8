/* bench compare: the regression gate between two result sets. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>

#include "bench_cli.h"
#include "gate.h"
#include "results.h"

static void compare_usage(FILE *out)
{
	fprintf(out, "usage: bench compare [--thresholds FILE] BASE HEAD\n\n"
		     "BASE and HEAD are result directories (holding results.json) or files.\n"
		     "Compares every figure present in both: ratio of medians HEAD/BASE with a\n"
		     "bootstrap CI, a permutation (rank-sum) p-value, the metric's minimum effect\n"
		     "from --thresholds (default: results/thresholds.json of this tree).\n"
		     "Prints a Markdown table for a pull-request comment.\n\n"
		     "exit status: 0 no regression, 1 regression, 2 bad input (missing or\n"
		     "malformed file, wrong schema, impossible values).\n");
}

int compare_load_thresholds(const char *path, struct gate_config **cfg, struct iso_err *err)
{
	char top[PATH_MAX], def[PATH_MAX + 32];
	int r;

	if (!path) {
		r = session_top(top, sizeof(top), err);
		if (r < 0)
			return r;
		snprintf(def, sizeof(def), "%s/results/thresholds.json", top);
		path = def;
	}
	return gate_config_load(path, cfg, err);
}

/* Gate BASE against HEAD and print the Markdown table on stdout. Returns
 * the exit status: 0 no regression, 1 regression, 2 bad input (err set). */
static int compare_report(const struct gate_config *cfg, const struct results *base,
			  const struct results *head, struct iso_err *err)
{
	struct gate_report rep;
	int r = gate_compare(cfg, base, head, &rep, err);

	if (r < 0)
		return BENCH_EXIT_USAGE;
	gate_print_markdown(cfg, &rep, stdout);
	r = rep.n_regressions ? BENCH_EXIT_FAIL : BENCH_EXIT_OK;
	gate_report_free(&rep);
	return r;
}

int cmd_compare(int argc, char **argv)
{
	static const struct option opts[] = {
		{"thresholds", required_argument, NULL, 't'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	const char *thresholds = NULL;
	struct gate_config *cfg = NULL;
	struct results *base = NULL, *head = NULL;
	struct iso_err err = {0};
	int c, status;

	while ((c = getopt_long(argc, argv, "t:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			thresholds = optarg;
			break;
		case 'h':
			compare_usage(stdout);
			return BENCH_EXIT_OK;
		default:
			return cli_usage_error("compare", "bad option (try: bench compare --help)");
		}
	}
	if (argc - optind != 2)
		return cli_usage_error("compare", "need BASE and HEAD (try: bench compare --help)");
	status = BENCH_EXIT_USAGE;
	if (compare_load_thresholds(thresholds, &cfg, &err) == 0 &&
	    results_load_path(argv[optind], &base, &err) == 0 &&
	    results_load_path(argv[optind + 1], &head, &err) == 0)
		status = compare_report(cfg, base, head, &err);
	if (status == BENCH_EXIT_USAGE)
		iso_err_print(&err, "bench compare");
	results_destroy(base);
	results_destroy(head);
	gate_config_destroy(cfg);
	return status;
}
