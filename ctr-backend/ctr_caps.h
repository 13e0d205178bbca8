/* Privilege reduction just before exec: capabilities cut to the default
 * set of Docker/containerd (the set OCI runtimes ship by default), no new
 * privileges. */
#ifndef ISOCTR_CTR_CAPS_H
#define ISOCTR_CTR_CAPS_H

#include <stdint.h>

#include "err.h"

/* The default set as a CapEff bit mask (0xa80425fb). */
uint64_t ctr_caps_default_mask(void);

/* Drop every other capability from the bounding and ambient sets: what
 * a later execve may grant. The effective set is untouched, so the caller
 * keeps its privileges until ctr_caps_apply(). */
int ctr_caps_bound(struct iso_err *err);

/* After ctr_caps_bound(): cut the inheritable, permitted and effective
 * sets to the default one and set no_new_privs. After execve as uid 0 the
 * program holds exactly the default set. */
int ctr_caps_apply(struct iso_err *err);

#endif
