/* Markdown and HTML renderers of the report document. */
#include "report_doc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"

typedef void (*text_fn)(FILE *f, const char *s);

/* open, text escaped by `esc`, close. */
static void put(FILE *f, text_fn esc, const char *open, const char *text, const char *close)
{
	fputs(open, f);
	esc(f, text);
	fputs(close, f);
}

/* A table row's cells, each wrapped in `open_l` (left-aligned) or
 * `open_r` (right-aligned) and `close`. */
static void put_cells(FILE *f, text_fn esc, const char *const *cells, const char *align, size_t n,
		      const char *open_l, const char *open_r, const char *close)
{
	for (size_t i = 0; i < n; i++)
		put(f, esc, align[i] == 'r' ? open_r : open_l, cells[i], close);
}

/* ---- Markdown -------------------------------------------------------- */

/* Backslash-escape what Markdown would read as emphasis or a table cell
 * border (metric names are full of underscores). */
static void md_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (strchr("_*|<>`[]\\", *s))
			fputc('\\', f);
		fputc(*s, f);
	}
}

static void md_begin(FILE *f, const char *title)
{
	put(f, md_text, "# ", title, "\n\n");
}

static void md_end(FILE *f)
{
	(void)f;
}

static void md_heading(FILE *f, int level, const char *text)
{
	fprintf(f, "%.*s", level + 1, "######");
	put(f, md_text, " ", text, "\n\n");
}

static void md_para(FILE *f, const char *text)
{
	put(f, md_text, "", text, "\n\n");
}

static void md_banner(FILE *f, const char *text)
{
	put(f, md_text, "> **⚠ Warning:** ", text, "\n\n");
}

static int md_chart(FILE *f, const char *dir, const char *name, const char *caption,
		    struct iso_err *err)
{
	(void)dir;
	(void)err;
	put(f, md_text, "![", caption, "](");
	fprintf(f, "%s.svg)\n\n", name);
	put(f, md_text, "*", caption, "* (");
	fprintf(f, "[PNG](%s.png), [data](%s.dat))\n\n", name, name);
	return 0;
}

static void md_table_row(FILE *f, const char *const *cells, const char *align, size_t n)
{
	put_cells(f, md_text, cells, align, n, "| ", "| ", " ");
	fputs("|\n", f);
}

static void md_table_begin(FILE *f, const char *const *cols, const char *align, size_t n)
{
	md_table_row(f, cols, align, n);
	for (size_t i = 0; i < n; i++)
		fputs(align[i] == 'r' ? "|---:" : "|---", f);
	fputs("|\n", f);
}

static void md_table_end(FILE *f)
{
	fputc('\n', f);
}

const struct report_doc_ops report_doc_md = {
	.begin = md_begin,
	.end = md_end,
	.heading = md_heading,
	.para = md_para,
	.banner = md_banner,
	.chart = md_chart,
	.table_begin = md_table_begin,
	.table_row = md_table_row,
	.table_end = md_table_end,
};

/* ---- HTML ------------------------------------------------------------ */

static void html_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

static void html_begin(FILE *f, const char *title)
{
	put(f, html_text,
	    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", title,
	    "</title>\n");
	fputs("<style>\n"
	      "body{font-family:system-ui,sans-serif;max-width:62rem;margin:2rem auto;"
	      "padding:0 1rem;line-height:1.5;color:#222}\n"
	      "table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}\n"
	      "th,td{border:1px solid #ccc;padding:.25rem .6rem}th{background:#f3f3f3}\n"
	      "td.r{text-align:right;font-variant-numeric:tabular-nums}\n"
	      "figure{margin:1.5rem 0}figure img{width:100%;border:1px solid #eee}\n"
	      "figcaption{font-size:.9rem;color:#555}\n"
	      ".banner{background:#fff3cd;border:2px solid #e0a800;padding:.75rem 1rem;"
	      "font-weight:600}\n"
	      "</style>\n</head>\n<body>\n",
	      f);
	put(f, html_text, "<h1>", title, "</h1>\n");
}

static void html_end(FILE *f)
{
	fputs("</body>\n</html>\n", f);
}

static void html_heading(FILE *f, int level, const char *text)
{
	char open[] = "<h0>", close[] = "</h0>\n";

	/* h2..h6: h1 is the page title */
	open[2] = close[3] = (char)('1' + (level < 5 ? level : 5));
	put(f, html_text, open, text, close);
}

static void html_para(FILE *f, const char *text)
{
	put(f, html_text, "<p>", text, "</p>\n");
}

static void html_banner(FILE *f, const char *text)
{
	put(f, html_text, "<p class=\"banner\" role=\"alert\">⚠ ", text, "</p>\n");
}

/* RFC 4648 section 4 base64 of buf into f. */
static void base64_write(FILE *f, const unsigned char *buf, size_t len)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)buf[i] << 16;

		if (i + 1 < len)
			v |= (unsigned)buf[i + 1] << 8;
		if (i + 2 < len)
			v |= buf[i + 2];
		fputc(tab[(v >> 18) & 63], f);
		fputc(tab[(v >> 12) & 63], f);
		fputc(i + 1 < len ? tab[(v >> 6) & 63] : '=', f);
		fputc(i + 2 < len ? tab[v & 63] : '=', f);
	}
}

/* The SVG goes in as a data URI rather than inline markup: gnuplot gives
 * every chart the same element ids, which would collide in one page. */
static int html_chart(FILE *f, const char *dir, const char *name, const char *caption,
		      struct iso_err *err)
{
	cleanup_free char *path = NULL;
	cleanup_free unsigned char *buf = NULL;
	cleanup_fclose FILE *in = NULL;
	long len;

	if (asprintf(&path, "%s/%s.svg", dir, name) < 0) {
		path = NULL;
		return iso_err_set(err, -ENOMEM, "report: path");
	}
	in = fopen(path, "re");
	if (!in)
		return iso_err_set(err, -errno, "report: open %s", path);
	if (fseek(in, 0, SEEK_END) < 0 || (len = ftell(in)) < 0 || fseek(in, 0, SEEK_SET) < 0)
		return iso_err_set(err, -errno, "report: size of %s", path);
	buf = malloc((size_t)len + 1);
	if (!buf)
		return iso_err_set(err, -ENOMEM, "report: read %s", path);
	if (fread(buf, 1, (size_t)len, in) != (size_t)len)
		return iso_err_set(err, -EIO, "report: read %s", path);
	put(f, html_text, "<figure>\n<img alt=\"", caption, "\" src=\"data:image/svg+xml;base64,");
	base64_write(f, buf, (size_t)len);
	put(f, html_text, "\">\n<figcaption>", caption, "</figcaption>\n</figure>\n");
	return 0;
}

static void html_table_begin(FILE *f, const char *const *cols, const char *align, size_t n)
{
	fputs("<table>\n<thead><tr>", f);
	put_cells(f, html_text, cols, align, n, "<th>", "<th>", "</th>");
	fputs("</tr></thead>\n<tbody>\n", f);
}

static void html_table_row(FILE *f, const char *const *cells, const char *align, size_t n)
{
	fputs("<tr>", f);
	put_cells(f, html_text, cells, align, n, "<td>", "<td class=\"r\">", "</td>");
	fputs("</tr>\n", f);
}

static void html_table_end(FILE *f)
{
	fputs("</tbody>\n</table>\n", f);
}

const struct report_doc_ops report_doc_html = {
	.begin = html_begin,
	.end = html_end,
	.heading = html_heading,
	.para = html_para,
	.banner = html_banner,
	.chart = html_chart,
	.table_begin = html_table_begin,
	.table_row = html_table_row,
	.table_end = html_table_end,
};
