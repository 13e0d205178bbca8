/* Run ids and run state directories: the names every component gives the
 * kernel objects it creates, and the owner record the sweeper checks.
 *
 * Naming convention (shared by harness, isoctr and isovm):
 *   run id     RUNID_LEN lowercase hex characters
 *   netns      isob-<rid>-<role>            (/run/netns)
 *   links      ib<rid><role><n>, <= 15 chars (IFNAMSIZ - 1); one owner per
 *              role, so names never collide within a run: br s n t r
 *              (network lab: bridge, sink, instance veth, TAP, NAT
 *              router), c (isoctr)
 *   cgroups    <hierarchy>/isobench/<rid>-<name>
 *   state dir  RUNID_STATE_ROOT/<rid>/ holding owner.pid
 *   mounts     only under the state dir or inside private namespaces */
#ifndef ISO_RUNID_H
#define ISO_RUNID_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"

#define RUNID_LEN	   6
#define RUNID_BUF	   (RUNID_LEN + 1)
#define RUNID_STATE_ROOT   "/run/isobench"
#define RUNID_OWNER_FILE   "owner.pid"
#define RUNID_NETNS_PREFIX "isob-"
#define RUNID_LINK_PREFIX  "ib"
#define RUNID_CGROUP_DIR   "isobench"

/* Fill `out` with a fresh random run id. Returns 0 or a negative errno. */
int runid_generate(char out[RUNID_BUF], struct iso_err *err);

/* True when `s` is exactly RUNID_LEN lowercase hex characters. */
bool runid_valid(const char *s);

/* Extract the run id from an object name that starts with `prefix`
 * directly followed by the id ("isob-1a2b3c-br" with prefix "isob-",
 * "ib1a2b3cv0" with "ib", "1a2b3c-ctr" with ""). Returns true and fills
 * `out` when the name has that shape. */
bool runid_from_name(const char *name, const char *prefix, char out[RUNID_BUF]);

/* Create `root`/<rid>/ (mode 0700, parents as needed) and write
 * owner.pid as "<pid> <starttime>" for `owner` (the start time from
 * /proc/<pid>/stat guards against pid reuse). -EEXIST if the run's
 * directory already exists. `root` NULL means RUNID_STATE_ROOT. */
int runid_state_create(const char *root, const char *rid, pid_t owner, struct iso_err *err);

/* Remove `root`/<rid>/ and everything in it (files and empty
 * subdirectories; mounts must be gone already). Idempotent. */
int runid_state_remove(const char *root, const char *rid, struct iso_err *err);

/* Is the owner recorded in `root`/<rid>/owner.pid still alive (same pid,
 * same start time)? A missing or unreadable record counts as dead. */
bool runid_owner_alive(const char *root, const char *rid);

/* Start time of `pid` in clock ticks since boot (field 22 of
 * /proc/<pid>/stat), 0 when the process does not exist. */
unsigned long long runid_proc_starttime(pid_t pid);

#endif
