/* `bench report`: charts (gnuplot, SVG + PNG), a Markdown report and a
 * self-contained HTML page from one or more result sets. */
#ifndef ISO_REPORT_H
#define ISO_REPORT_H

#include <stddef.h>

#include "err.h"
#include "results.h"

/* One result set and the short label that names it in charts when
 * several are reported together (e.g. its directory's name). */
struct report_input {
	const char *label;
	const struct results *rs;
};

/* Write into `outdir` (created if missing): report.md, report.html, and
 * per chart <name>.svg, <name>.png and the <name>.dat it was drawn from.
 * Claims and the environment block come from in[0]. Charts without data
 * are left out and the text says "not measured". `gnuplot_dir` holds the
 * templates (scripts/gnuplot). Errors: file-system errors, gnuplot
 * failures (its messages are in <outdir>/gnuplot.log), -ENOMEM. */
int report_write(const struct report_input *in, size_t n_in, const char *outdir,
		 const char *gnuplot_dir, struct iso_err *err);

#endif
