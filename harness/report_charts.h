/* The report's charts: a data file per chart taken from the result sets,
 * drawn by gnuplot from the templates in scripts/gnuplot as SVG and PNG. */
#ifndef ISO_REPORT_CHARTS_H
#define ISO_REPORT_CHARTS_H

#include <stdbool.h>

#include "err.h"
#include "report_ctx.h"

enum report_chart {
	REPORT_CHART_STARTUP,
	REPORT_CHART_MEMORY,
	REPORT_CHART_TASKS,
	REPORT_CHART_NET_THROUGHPUT,
	REPORT_CHART_NET_LATENCY,
	REPORT_CHART_DENSITY_STARTUP,
	REPORT_CHART_DENSITY_MEMORY,
	REPORT_CHART_COUNT,
};

/* File stem ("startup": startup.dat, startup.svg, startup.png). */
const char *report_chart_name(enum report_chart c);

/* One sentence saying what the chart shows, for captions and alt text. */
const char *report_chart_caption(enum report_chart c);

/* Write every chart that has data into ctx->outdir; drawn[c] tells which
 * were drawn. Errors: file-system errors, -EIO when gnuplot fails (its
 * output is in <outdir>/gnuplot.log), -ENOMEM. */
int report_charts_render(const struct report_ctx *ctx, bool drawn[REPORT_CHART_COUNT],
			 struct iso_err *err);

#endif
