/* The one table of backends, in the order `bench list` shows them. */
#include "backend.h"

#include <string.h>

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

void launch_cmd_reset(struct launch_cmd *cmd)
{
	argv_reset(&cmd->argv);
	argv_reset(&cmd->env);
}
