/* JSON documents from files, with errors that name the file. */
#include "jsonfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cleanup.h"

/* Read a whole file into a NUL-terminated buffer. */
static int read_file(const char *path, char **out, struct iso_err *err)
{
	cleanup_fclose FILE *f = fopen(path, "re");
	cleanup_free char *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f)
		return iso_err_set(err, -errno, "open %s", path);
	for (;;) {
		size_t n;

		if (cap - len < 4096) {
			char *v;

			cap = cap ? 2 * cap : 65536;
			if (cap > JSONFILE_MAX_BYTES)
				return iso_err_input(err, -EFBIG, "%s: larger than %u bytes", path,
						     JSONFILE_MAX_BYTES);
			v = realloc(buf, cap + 1);
			if (!v)
				return iso_err_set(err, -ENOMEM, "read %s", path);
			buf = v;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0) {
			if (ferror(f))
				return iso_err_set(err, -EIO, "read %s", path);
			break;
		}
	}
	buf[len] = '\0';
	*out = steal_ptr(&buf);
	return 0;
}

int jsonfile_load(const char *path, cJSON **out, struct iso_err *err)
{
	cleanup_free char *text = NULL;
	cJSON *doc;
	int r;

	r = read_file(path, &text, err);
	if (r < 0)
		return r;
	doc = cJSON_Parse(text);
	if (!doc) {
		const char *at = cJSON_GetErrorPtr();
		int line = 1;

		for (const char *p = text; at && p < at && *p; p++)
			line += *p == '\n';
		return iso_err_input(err, -EINVAL, "%s: not valid JSON (line %d)", path, line);
	}
	*out = doc;
	return 0;
}
