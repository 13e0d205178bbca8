/* The one table of backends, in the order `bench list` shows them, and
 * what every backend shares: its program, the files it needs. */
#include "backend.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench_ctx.h"
#include "fsutil.h"

extern const struct backend backend_native, backend_ctr, backend_vm, backend_qemu_microvm,
	backend_runc, backend_crun, backend_bwrap;

const struct backend *const backend_table[] = {
	&backend_native, &backend_ctr,	&backend_vm,	&backend_qemu_microvm,
	&backend_runc,	 &backend_crun, &backend_bwrap,
};

const size_t backend_table_count = sizeof(backend_table) / sizeof(backend_table[0]);

const struct backend *backend_find(const char *name)
{
	for (size_t i = 0; i < backend_table_count; i++)
		if (!strcmp(backend_table[i]->name, name))
			return backend_table[i];
	return NULL;
}

int backend_program(const struct backend *be, const struct bench_ctx *ctx, char *buf, size_t cap,
		    struct iso_err *err)
{
	if (be->program[0] == '/') {
		snprintf(buf, cap, "%s", be->program);
		return 0;
	}
	return bench_ctx_path(ctx, be->program, buf, cap, err);
}

int backend_available(const struct backend *be, const struct bench_ctx *ctx, char *reason,
		      size_t cap)
{
	char path[PATH_MAX];

	if (backend_program(be, ctx, path, sizeof(path), NULL) < 0 || access(path, X_OK) < 0) {
		snprintf(reason, cap, "%s %s", be->program,
			 be->program[0] == '/' ? "not installed" : "is not built");
		return -ENOENT;
	}
	for (const char *const *n = be->needs; *n; n++) {
		if (!bench_ctx_have(ctx, *n)) {
			snprintf(reason, cap, "%s is not built (make image)", *n);
			return -ENOENT;
		}
	}
	return be->available ? be->available(ctx, reason, cap) : 0;
}

void backend_program_version(const struct backend *be, const struct bench_ctx *ctx, char *buf,
			     size_t cap)
{
	char path[PATH_MAX];
	char *argv[] = {path, "--version", NULL};

	if (backend_program(be, ctx, path, sizeof(path), NULL) == 0)
		fsutil_first_line(argv, buf, cap);
}

void launch_cmd_reset(struct launch_cmd *cmd)
{
	argv_reset(&cmd->argv);
	argv_reset(&cmd->env);
}
