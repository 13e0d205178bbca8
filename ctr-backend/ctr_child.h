/* The container side of a run: what the cloned child does between clone3
 * and execve, and the records it sends back to the monitor.
 *
 * Protocol (child -> monitor, on the status pipe, one write per record,
 * each < PIPE_BUF so records never interleave): PHASE records with the
 * host-monotonic time a step finished, then either nothing (the pipe is
 * close-on-exec: EOF means execve succeeded) or one ERROR record with the
 * exit class and message, after which the child exits.
 * Monitor -> child, on the sync socket, one byte each: when the monitor
 * makes the network namespace, CTR_MSG_NETNS carrying it (SCM_RIGHTS) as
 * soon as it exists; then CTR_MSG_GO once the id maps and the network
 * inside are ready. EOF instead means the monitor died and the child
 * exits. */
#ifndef ISOCTR_CTR_CHILD_H
#define ISOCTR_CTR_CHILD_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "cgroup.h"
#include "ctr.h"
#include "err.h"

#define CTR_PORT_FD 3 /* the bench port in the container: BENCH_PORT=fd:3 */

enum ctr_record_kind {
	CTR_RECORD_PHASE = 1,
	CTR_RECORD_ERROR = 2,
};

enum ctr_msg {
	CTR_MSG_NETNS = 'n',
	CTR_MSG_GO = 'g',
};

struct ctr_record {
	enum ctr_record_kind kind;
	char phase[16];
	uint64_t t_ns;
	enum ctr_exit cls;
	struct iso_err err;
};

struct ctr_launch {
	const struct ctr_config *cfg;
	const char *hostname;
	int port_wr;		 /* bench port, write end (becomes fd 3) */
	int sync_rd;		 /* monitor -> child (a socket) */
	int status_wr;		 /* child -> monitor, close-on-exec */
	int monitor_fds[3];	 /* the monitor's ends, closed first thing */
	const struct cgroup *cg; /* joined first thing (v1 dirs) */
	bool cgroupns_late;	 /* unshare the cgroup ns after joining the v1 dirs */
	bool userns;		 /* wait for the id maps before touching files */
	bool netns_by_monitor;	 /* made and set up by the monitor: join it */
	sigset_t sigmask;	 /* the signal mask PROGRAM starts with */
};

/* Entry point of the cloned child; never returns. */
_Noreturn void ctr_child_main(const struct ctr_launch *l);

#endif
