/* Network lab attachment of plain-process backends. */
#include "backend_net.h"

#include <stdio.h>

#include "bench_ctx.h"
#include "netlab.h"

int backend_net_attach_veth(struct instance *inst, struct launch_cmd *cmd, struct iso_err *err)
{
	int r;

	if (!inst->net)
		return 0;
	r = netlab_attach_veth(inst->ctx->net, inst->id, inst->gw, inst->netns, sizeof(inst->netns),
			       err);
	if (r == 0 && cmd)
		snprintf(cmd->netns, sizeof(cmd->netns), "%s", inst->netns);
	return r;
}

void backend_net_detach(struct instance *inst)
{
	if (inst->net && inst->ctx->net)
		netlab_detach(inst->ctx->net, inst->id);
}
