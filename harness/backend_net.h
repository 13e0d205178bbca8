/* Network lab attachment shared by the backends whose instance is a plain
 * host process tree (native, bwrap, runc, crun): the harness makes the
 * instance namespace with a veth on the bridge and the process enters it
 * before exec. */
#ifndef ISO_BACKEND_NET_H
#define ISO_BACKEND_NET_H

#include "backend.h"
#include "instance.h"

/* When inst->net: make the namespace with inst->ip (and a default route
 * via inst->gw unless ""), and point cmd->netns at it (cmd may be NULL for
 * runtimes that join it by path). */
int backend_net_attach_veth(struct instance *inst, struct launch_cmd *cmd, struct iso_err *err);

/* Undo any attachment of the instance (veth namespace or TAP). */
void backend_net_detach(struct instance *inst);

#endif
