/* Document renderers for the report: the content is written once against
 * these ops and comes out as Markdown or as a self-contained HTML page. */
#ifndef ISO_REPORT_DOC_H
#define ISO_REPORT_DOC_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"

/* Text arguments are plain text; each renderer escapes for its format.
 * `align` has one letter per column: 'l' or 'r'. */
struct report_doc_ops {
	void (*begin)(FILE *f, const char *title);
	void (*end)(FILE *f);
	void (*heading)(FILE *f, int level, const char *text);
	void (*para)(FILE *f, const char *text);
	/* A warning that must not be missed (emulated timings). */
	void (*banner)(FILE *f, const char *text);
	/* The chart <dir>/<name>.svg: linked (Markdown) or embedded as a
	 * data URI (HTML). Errors: reading the SVG, -ENOMEM. */
	int (*chart)(FILE *f, const char *dir, const char *name, const char *caption,
		     struct iso_err *err);
	void (*table_begin)(FILE *f, const char *const *cols, const char *align, size_t n);
	void (*table_row)(FILE *f, const char *const *cells, const char *align, size_t n);
	void (*table_end)(FILE *f);
};

extern const struct report_doc_ops report_doc_md;
extern const struct report_doc_ops report_doc_html;

#endif
