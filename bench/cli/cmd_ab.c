/* bench ab: build two revisions in temporary git worktrees, run them
 * interleaved on this machine, gate HEAD against BASE; suspected
 * regressions are re-run once in the opposite order before failing. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "argv.h"
#include "bench_cli.h"
#include "cleanup.h"
#include "gate.h"
#include "results.h"

/* Rounds of `bench run` per side; the order flips every round (ABBA...)
 * so that drift of the machine (thermal, page cache, a neighbour job)
 * falls on both sides alike. */
#define AB_ROUNDS_DEFAULT 2
#define AB_ROUNDS_MAX	  50

enum ab_side { AB_BASE, AB_HEAD };

struct ab {
	const char *rev[2];	   /* as given */
	char sha[2][48];	   /* resolved commits */
	char top[PATH_MAX];	   /* this repository */
	char tmp[PATH_MAX];	   /* worktrees live here */
	char wt[2][PATH_MAX + 16]; /* worktree per side ("" until added) */
	char out[PATH_MAX + 64];   /* result sets of every round, and the pooled ones */
	const char *thresholds, *make_target;
	unsigned rounds;
	struct argv run_args;	  /* passed to `bench run` */
	struct results *pool[2];  /* every round */
	struct results *retry[2]; /* the re-run rounds alone */
};

static const char *const side_name[2] = {"base", "head"};

static volatile sig_atomic_t ab_stop;

static void ab_on_signal(int sig)
{
	ab_stop = sig;
}

static void ab_usage(FILE *out)
{
	fprintf(out,
		"usage: bench ab --base REV --head REV [--rounds N] [--thresholds FILE]\n"
		"                [--out DIR] [--make-target T] [bench run options]\n\n"
		"Builds REV and REV in temporary git worktrees (`make T` in each, default\n"
		"all), then runs `build/bench run` of each with the same options, N rounds\n"
		"(default %d) alternating which side goes first, pools the rounds per side\n"
		"and gates HEAD against BASE like `bench compare`. Figures that look like\n"
		"a regression (or are inconclusive) are re-run once in the opposite order;\n"
		"the gate fails on a figure that regresses on all samples and whose\n"
		"re-run alone agrees (significant, beyond the minimum effect). The\n"
		"worktrees are removed on every path; result sets stay in --out\n"
		"(default results/ab-<UTC time>/: base/, head/ pooled, rounds/).\n\n"
		"exit status: 0 no regression, 1 regression, 2 bad input or a failed\n"
		"build/run.\n",
		AB_ROUNDS_DEFAULT);
}

/* Run argv with stdout sent to stderr (stdout carries the Markdown
 * table); returns the exit status, or -1 with err set. */
static int ab_spawn(char *const argv[], struct iso_err *err)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int r, status;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, STDERR_FILENO, STDOUT_FILENO);
	r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (r != 0) {
		iso_err_set(err, -r, "run %s", argv[0]);
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			iso_err_set(err, -errno, "wait for %s", argv[0]);
			return -1;
		}
	}
	if (ab_stop) {
		iso_err_input(err, -EINTR, "interrupted");
		return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Run a command that must succeed; `what` names it in the error. */
static int ab_must(char *const argv[], const char *what, struct iso_err *err)
{
	int st = ab_spawn(argv, err);

	if (st < 0)
		return err->code;
	if (st != 0)
		return iso_err_input(err, -EIO, "%s failed (exit status %d)", what, st);
	return 0;
}

/* The commit a revision names: `git rev-parse` with stdout captured
 * through a pipe (no shell). */
static int ab_resolve(struct ab *ab, enum ab_side side, struct iso_err *err)
{
	cleanup_free char *spec = NULL;
	posix_spawn_file_actions_t fa;
	int fds[2], status, r;
	ssize_t n = 0, k;
	pid_t pid;

	/* A leading '-' would be read as an option. */
	if (ab->rev[side][0] == '-' || !ab->rev[side][0])
		return iso_err_input(err, -EINVAL, "--%s: '%s' is not a revision", side_name[side],
				     ab->rev[side]);
	if (asprintf(&spec, "%s^{commit}", ab->rev[side]) < 0) {
		spec = NULL;
		return iso_err_set(err, -ENOMEM, "resolve %s", ab->rev[side]);
	}
	char *argv[] = {"git", "-C", ab->top, "rev-parse", "--verify", "--quiet", spec, NULL};

	if (pipe2(fds, O_CLOEXEC) < 0)
		return iso_err_set(err, -errno, "pipe");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	r = posix_spawnp(&pid, "git", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[1]);
	if (r != 0) {
		close(fds[0]);
		return iso_err_set(err, -r, "run git rev-parse");
	}
	while ((size_t)n < sizeof(ab->sha[side]) - 1 &&
	       ((k = read(fds[0], ab->sha[side] + n, sizeof(ab->sha[side]) - 1 - (size_t)n)) > 0 ||
		(k < 0 && errno == EINTR)))
		n += k > 0 ? k : 0;
	close(fds[0]);
	ab->sha[side][n] = '\0';
	ab->sha[side][strcspn(ab->sha[side], "\n")] = '\0';
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || strlen(ab->sha[side]) != 40)
		return iso_err_input(err, -EINVAL, "--%s: '%s' is not a commit of %s",
				     side_name[side], ab->rev[side], ab->top);
	return 0;
}

/* git worktree add --detach <tmp>/<side> <sha>, then make in it. The
 * guest kernel is a download, identical for both sides: link it in. */
static int ab_build(struct ab *ab, enum ab_side side, struct iso_err *err)
{
	char guest[PATH_MAX + 16], link[PATH_MAX + 32], what[64];
	char *add[] = {"git",	   "-C",      ab->top,	    "worktree",	   "add",
		       "--detach", "--quiet", ab->wt[side], ab->sha[side], NULL};
	char *make[] = {"make", "-C", ab->wt[side], "-j2", (char *)ab->make_target, NULL};
	struct stat st;
	int r;

	snprintf(ab->wt[side], sizeof(ab->wt[side]), "%s/%s", ab->tmp, side_name[side]);
	fprintf(stderr, "bench ab: %s = %.12s (%s): worktree %s\n", side_name[side], ab->sha[side],
		ab->rev[side], ab->wt[side]);
	r = ab_must(add, "git worktree add", err);
	if (r < 0) {
		ab->wt[side][0] = '\0';
		return r;
	}
	snprintf(guest, sizeof(guest), "%s/build/guest", ab->top);
	snprintf(link, sizeof(link), "%s/build", ab->wt[side]);
	if (stat(guest, &st) == 0 && mkdir(link, 0755) == 0) {
		snprintf(link, sizeof(link), "%s/build/guest", ab->wt[side]);
		if (symlink(guest, link) < 0)
			return iso_err_set(err, -errno, "link %s", link);
	}
	snprintf(what, sizeof(what), "build of %s", side_name[side]);
	return ab_must(make, what, err);
}

/* Remove both worktrees and the temporary directory; safe to call twice
 * and on a half-built state. */
static void ab_cleanup(struct ab *ab)
{
	struct iso_err ignored = {0};

	for (int side = 0; side < 2; side++) {
		char *rm[] = {"git",	"-C",	   ab->top,	 "worktree",
			      "remove", "--force", ab->wt[side], NULL};

		if (!ab->wt[side][0])
			continue;
		if (ab_spawn(rm, &ignored) != 0)
			fprintf(stderr, "bench ab: warning: could not remove worktree %s\n",
				ab->wt[side]);
		ab->wt[side][0] = '\0';
	}
	if (ab->tmp[0]) {
		char *prune[] = {"git", "-C", ab->top, "worktree", "prune", NULL};
		char *rm[] = {"rm", "-rf", "--one-file-system", ab->tmp, NULL};

		ab_spawn(rm, &ignored);
		ab_spawn(prune, &ignored);
		ab->tmp[0] = '\0';
	}
	for (int side = 0; side < 2; side++) {
		results_destroy(ab->pool[side]);
		results_destroy(ab->retry[side]);
		ab->pool[side] = ab->retry[side] = NULL;
	}
	argv_reset(&ab->run_args);
}

/* One `bench run` of one side into <out>/rounds/<tag>-<side>, pooled.
 * `extra` replaces the selection options for re-runs (NULL: as given);
 * a re-run is kept apart too. */
static int ab_run_side(struct ab *ab, enum ab_side side, const char *tag, const struct argv *extra,
		       struct iso_err *err)
{
	struct argv a = {0};
	char dir[2 * PATH_MAX], what[128];
	struct results *rs = NULL;
	int r;

	snprintf(dir, sizeof(dir), "%s/rounds/%s-%s", ab->out, tag, side_name[side]);
	fprintf(stderr, "bench ab: %s run %s -> %s\n", side_name[side], tag, dir);
	if ((r = argv_add(&a, err, "%s/build/bench", ab->wt[side])) < 0 ||
	    (r = argv_add(&a, err, "run")) < 0 ||
	    (r = argv_add_all(&a, (extra ? extra : &ab->run_args)->v, err)) < 0 ||
	    (r = argv_add(&a, err, "--out")) < 0 || (r = argv_add(&a, err, "%s", dir)) < 0)
		goto out;
	snprintf(what, sizeof(what), "%s run %s", side_name[side], tag);
	r = ab_must(a.v, what, err);
	if (r == 0)
		r = results_load_path(dir, &rs, err);
	if (r == 0)
		r = results_merge(ab->pool[side], rs, err);
	if (r == 0 && extra)
		r = results_merge(ab->retry[side], rs, err);
out:
	results_destroy(rs);
	argv_reset(&a);
	return r;
}

/* `rounds` rounds, alternating the side that goes first; `flip` starts
 * with HEAD (the re-run). */
static int ab_rounds(struct ab *ab, const char *prefix, bool flip, const struct argv *extra,
		     struct iso_err *err)
{
	for (unsigned i = 0; i < ab->rounds; i++) {
		enum ab_side first = ((i % 2) != 0) != flip ? AB_HEAD : AB_BASE;
		char tag[32];
		int r;

		snprintf(tag, sizeof(tag), "%s%02u", prefix, i);
		r = ab_run_side(ab, first, tag, extra, err);
		if (r == 0)
			r = ab_run_side(ab, first == AB_BASE ? AB_HEAD : AB_BASE, tag, extra, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Append `item` to the comma-separated `list` unless it is there. */
static void list_add(char *list, size_t cap, const char *item)
{
	size_t len = strlen(item);

	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");

		if (n == len && !strncmp(p, item, len))
			return;
		p += n + (p[n] == ',');
	}
	snprintf(list + strlen(list), cap - strlen(list), "%s%s", list[0] ? "," : "", item);
}

/* Selection options of the re-run: the user's options without their
 * backend/workload selection, plus one --backend/--workload list naming
 * the suspects. Density figures (instances > 1) need the user's
 * selection as it was: then the whole run is repeated. */
static int ab_rerun_args(const struct ab *ab, const struct gate_report *rep, struct argv *out,
			 struct iso_err *err)
{
	char backends[512] = "", workloads[512] = "";
	bool whole = false;
	int r;

	for (size_t i = 0; i < rep->n_rows; i++) {
		const struct gate_row *row = &rep->rows[i];

		if (row->verdict != GATE_REGRESSION && row->verdict != GATE_INCONCLUSIVE)
			continue;
		whole |= row->base->instances > 1;
		list_add(backends, sizeof(backends), row->base->backend);
		list_add(workloads, sizeof(workloads), row->base->workload);
	}
	if (whole)
		return argv_add_all(out, ab->run_args.v, err);
	for (size_t i = 0; i < ab->run_args.len; i++) {
		const char *a = ab->run_args.v[i];

		if (!strcmp(a, "--all"))
			continue;
		if (!strcmp(a, "--backend") || !strcmp(a, "--workload")) {
			i++;
			continue;
		}
		if (!strncmp(a, "--backend=", 10) || !strncmp(a, "--workload=", 11))
			continue;
		r = argv_add(out, err, "%s", a);
		if (r < 0)
			return r;
	}
	if ((r = argv_add(out, err, "--backend")) < 0 ||
	    (r = argv_add(out, err, "%s", backends)) < 0 ||
	    (r = argv_add(out, err, "--workload")) < 0 ||
	    (r = argv_add(out, err, "%s", workloads)) < 0)
		return r;
	return 0;
}

/* Count the rows that would make a retry worthwhile. */
static size_t ab_suspects(const struct gate_report *rep)
{
	size_t n = 0;

	for (size_t i = 0; i < rep->n_rows; i++)
		n += rep->rows[i].verdict == GATE_REGRESSION ||
		     rep->rows[i].verdict == GATE_INCONCLUSIVE;
	return n;
}

static int ab_save_pools(struct ab *ab, struct iso_err *err)
{
	for (int side = 0; side < 2; side++) {
		char dir[2 * PATH_MAX], file[2 * PATH_MAX + 32];
		int r;

		snprintf(dir, sizeof(dir), "%s/%s", ab->out, side_name[side]);
		snprintf(file, sizeof(file), "%s/results.json", dir);
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return iso_err_set(err, -errno, "create %s", dir);
		r = results_save(ab->pool[side], file, err);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Build, run, judge, maybe re-run and judge again. Returns the exit
 * status; err is set when it is BENCH_EXIT_USAGE. */
static int ab_execute(struct ab *ab, const struct gate_config *cfg, struct iso_err *err)
{
	struct gate_report rep = {0}, again = {0};
	struct argv rerun = {0};
	char rounds_dir[2 * PATH_MAX];
	size_t suspects, unconfirmed = 0;
	int r, status;

	if ((r = ab_resolve(ab, AB_BASE, err)) < 0 || (r = ab_resolve(ab, AB_HEAD, err)) < 0)
		return BENCH_EXIT_USAGE;
	snprintf(ab->tmp, sizeof(ab->tmp), "%s/isobench-ab.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(ab->tmp)) {
		iso_err_set(err, -errno, "create %s", ab->tmp);
		ab->tmp[0] = '\0';
		return BENCH_EXIT_USAGE;
	}
	snprintf(rounds_dir, sizeof(rounds_dir), "%s/rounds", ab->out);
	if ((mkdir(ab->out, 0755) < 0 && errno != EEXIST) ||
	    (mkdir(rounds_dir, 0755) < 0 && errno != EEXIST)) {
		iso_err_set(err, -errno, "create %s", rounds_dir);
		return BENCH_EXIT_USAGE;
	}
	if ((r = results_create("ab", "bench ab base", &ab->pool[AB_BASE], err)) < 0 ||
	    (r = results_create("ab", "bench ab head", &ab->pool[AB_HEAD], err)) < 0 ||
	    (r = ab_build(ab, AB_BASE, err)) < 0 || (r = ab_build(ab, AB_HEAD, err)) < 0 ||
	    (r = ab_rounds(ab, "r", false, NULL, err)) < 0 || (r = ab_save_pools(ab, err)) < 0)
		return BENCH_EXIT_USAGE;
	if (gate_compare(cfg, ab->pool[AB_BASE], ab->pool[AB_HEAD], &rep, err) < 0)
		return BENCH_EXIT_USAGE;
	suspects = ab_suspects(&rep);
	if (suspects) {
		fprintf(stderr,
			"bench ab: %zu figure(s) suspect; re-running them once with the order "
			"reversed\n",
			suspects);
		r = ab_rerun_args(ab, &rep, &rerun, err);
		gate_report_free(&rep);
		if (r == 0)
			r = results_create("ab", "bench ab base re-run", &ab->retry[AB_BASE], err);
		if (r == 0)
			r = results_create("ab", "bench ab head re-run", &ab->retry[AB_HEAD], err);
		if (r == 0)
			r = ab_rounds(ab, "retry", true, &rerun, err);
		argv_reset(&rerun);
		if (r < 0 || ab_save_pools(ab, err) < 0)
			return BENCH_EXIT_USAGE;
		if (gate_compare(cfg, ab->pool[AB_BASE], ab->pool[AB_HEAD], &rep, err) < 0)
			return BENCH_EXIT_USAGE;
		if (gate_compare(cfg, ab->retry[AB_BASE], ab->retry[AB_HEAD], &again, err) < 0) {
			gate_report_free(&rep);
			return BENCH_EXIT_USAGE;
		}
		unconfirmed = gate_confirm(&rep, &again);
		gate_report_free(&again);
	}
	printf("BASE %.12s (%s), HEAD %.12s (%s), %u round(s) alternating the order, result sets "
	       "in %s.",
	       ab->sha[0], ab->rev[0], ab->sha[1], ab->rev[1], ab->rounds, ab->out);
	if (suspects)
		printf(" %zu suspect figure(s) were re-run once with the order reversed; the "
		       "verdicts below pool every round, and a regression stands only where the "
		       "re-run alone agrees (%zu did not: inconclusive).",
		       suspects, unconfirmed);
	printf("\n\n");
	gate_print_markdown(cfg, &rep, stdout);
	status = rep.n_regressions ? BENCH_EXIT_FAIL : BENCH_EXIT_OK;
	gate_report_free(&rep);
	return status;
}

/* Our options; everything else goes to `bench run`. Returns 1 for
 * --help, 0, or BENCH_EXIT_USAGE after printing. */
static int ab_parse(int argc, char **argv, struct ab *ab, struct iso_err *err)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--help") || !strcmp(a, "-h"))
			return 1;
		if (!strcmp(a, "--base") || !strcmp(a, "--head") || !strcmp(a, "--rounds") ||
		    !strcmp(a, "--thresholds") || !strcmp(a, "--out") ||
		    !strcmp(a, "--make-target")) {
			if (!v)
				return cli_usage_error("ab", "%s needs a value", a);
			i++;
			if (!strcmp(a, "--base"))
				ab->rev[AB_BASE] = v;
			else if (!strcmp(a, "--head"))
				ab->rev[AB_HEAD] = v;
			else if (!strcmp(a, "--thresholds"))
				ab->thresholds = v;
			else if (!strcmp(a, "--make-target"))
				ab->make_target = v;
			else if (!strcmp(a, "--out"))
				snprintf(ab->out, sizeof(ab->out), "%s", v);
			else if (sscanf(v, "%u", &ab->rounds) != 1 || ab->rounds < 1 ||
				 ab->rounds > AB_ROUNDS_MAX)
				return cli_usage_error("ab", "--rounds: '%s' is not 1..%d", v,
						       AB_ROUNDS_MAX);
			continue;
		}
		if (argv_add(&ab->run_args, err, "%s", a) < 0)
			return cli_usage_error("ab", "%s", err->msg);
	}
	if (!ab->rev[AB_BASE] || !ab->rev[AB_HEAD])
		return cli_usage_error("ab",
				       "need --base REV and --head REV (try: bench ab --help)");
	return 0;
}

int cmd_ab(int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = ab_on_signal}, old_int, old_term;
	struct ab ab = {.rounds = AB_ROUNDS_DEFAULT, .make_target = "all"};
	struct gate_config *cfg = NULL;
	struct iso_err err = {0};
	int status;

	status = ab_parse(argc, argv, &ab, &err);
	if (status != 0) {
		argv_reset(&ab.run_args);
		if (status == 1)
			ab_usage(stdout);
		return status == 1 ? BENCH_EXIT_OK : status;
	}
	if (session_top(ab.top, sizeof(ab.top), &err) < 0 ||
	    compare_load_thresholds(ab.thresholds, &cfg, &err) < 0) {
		iso_err_print(&err, "bench ab");
		argv_reset(&ab.run_args);
		return BENCH_EXIT_USAGE;
	}
	if (!ab.out[0]) {
		char stamp[32];
		time_t now = time(NULL);
		struct tm tm;

		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm);
		snprintf(ab.out, sizeof(ab.out), "%s/results/ab-%s", ab.top, stamp);
	}
	/* Children get the terminal's signals too; we only note them, let
	 * the child finish its own cleanup, and then remove the worktrees. */
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	status = ab_execute(&ab, cfg, &err);
	ab_cleanup(&ab);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	gate_config_destroy(cfg);
	if (status == BENCH_EXIT_USAGE)
		iso_err_print(&err, "bench ab");
	if (ab_stop)
		return 128 + ab_stop;
	return status;
}
