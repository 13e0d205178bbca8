/* Reading a JSON document from a file with one clear error on failure,
 * for the harness's own files (results, thresholds). */
#ifndef ISO_JSONFILE_H
#define ISO_JSONFILE_H

#include <cjson/cJSON.h>

#include "err.h"

/* Our documents are at most a few MiB; anything far larger is not ours. */
#define JSONFILE_MAX_BYTES (64u << 20)

static inline void cleanup_json_fn(cJSON **j)
{
	cJSON_Delete(*j);
}
#define cleanup_json __attribute__((cleanup(cleanup_json_fn)))

/* Parse the file at `path` into *out (free with cJSON_Delete()). Errors:
 * negative errno from opening or reading ("open x.json: No such file"),
 * -EFBIG above JSONFILE_MAX_BYTES, -EINVAL for text that is not JSON
 * ("x.json: not valid JSON (line 3)"), -ENOMEM. */
int jsonfile_load(const char *path, cJSON **out, struct iso_err *err);

#endif
