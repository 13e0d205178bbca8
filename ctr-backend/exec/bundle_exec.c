/* ctr_bundle_load() of the static build/isoctr. cJSON exists only as a
 * shared library, and isoctr is linked statically for its start-up time
 * (module.mk), so a --bundle run is handed on: the same command line is
 * executed by isoctr-bundle, the same program linked dynamically with
 * ctr_bundle.c, found next to this executable. Nothing has been created
 * yet when options are parsed, so there is nothing to undo. */
#include "ctr.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TWIN_SUFFIX "-bundle"

int ctr_bundle_load(const char *dir, struct ctr_config *cfg, struct iso_err *err)
{
	char twin[PATH_MAX];
	char **argv;
	ssize_t n;

	(void)dir;
	n = readlink("/proc/self/exe", twin, sizeof(twin) - sizeof(TWIN_SUFFIX));
	if (n < 0)
		return iso_err_set(err, -errno, "bundle: find isoctr's own path");
	memcpy(twin + n, TWIN_SUFFIX, sizeof(TWIN_SUFFIX));
	argv = calloc((size_t)cfg->cmdline_len + 2, sizeof(*argv));
	if (!argv)
		return iso_err_set(err, -ENOMEM, "bundle: exec %s", twin);
	argv[0] = twin;
	memcpy(argv + 1, cfg->cmdline, (size_t)cfg->cmdline_len * sizeof(*argv));
	execv(twin, argv);
	free(argv);
	return iso_err_set(err, -errno, "bundle: exec %s", twin);
}

void ctr_bundle_release(struct ctr_config *cfg)
{
	(void)cfg;
}
