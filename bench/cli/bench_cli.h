/* The `bench` command's subcommands. Each takes its own argv (argv[0] is
 * the subcommand name) and returns the process exit status: 0 success,
 * 1 failure, 2 bad input (one line on stderr). */
#ifndef BENCH_CLI_H
#define BENCH_CLI_H

#include <stdbool.h>

#include "bench_ctx.h"
#include "err.h"

#define BENCH_EXIT_OK	 0
#define BENCH_EXIT_FAIL	 1
#define BENCH_EXIT_USAGE 2

int cmd_run(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_doctor(int argc, char **argv);
int cmd_clean(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_ab(int argc, char **argv);

struct gate_config;

/* The thresholds file at `path`, or results/thresholds.json of this tree
 * when NULL (cmd_compare.c). */
int compare_load_thresholds(const char *path, struct gate_config **cfg, struct iso_err *err);

/* A measuring session: run id, state directory (after sweeping leftovers
 * of dead runs), CPU choice, repository root. */
int session_open(struct bench_ctx *ctx, struct iso_err *err);
void session_close(struct bench_ctx *ctx);

/* Repository root from /proc/self/exe (<top>/build/bench). */
int session_top(char *top, size_t cap, struct iso_err *err);

/* For a command without arguments: with "--help", print "usage: bench
 * <cmd>", a blank line and `help`; with any other argument, a usage error.
 * Returns 1 with the exit status in *status when the command ends here,
 * 0 when it goes on. */
int cli_no_args(const char *cmd, int argc, char **argv, const char *help, int *status);

/* Print "bench <cmd>: <msg>" and return BENCH_EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
