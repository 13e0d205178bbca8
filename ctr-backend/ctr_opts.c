/* `isoctr run` command line: parse and validate into a ctr_config. */
#include "ctr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* CFS bandwidth (sched-bwc.rst): the default period, and the smallest
 * quota the kernel accepts (1 ms). */
#define CTR_CPU_PERIOD_US    100000ull
#define CTR_CPU_MIN_QUOTA_US 1000ull
#define CTR_CPUS_MAX	     1024.0
#define CTR_MEMORY_MIN_MIB   4ull
#define CTR_MEMORY_MAX_MIB   (1ull << 30)

void ctr_config_init(struct ctr_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->namespaces = CTR_NS_DEFAULT;
	cfg->events_fd = -1;
	snprintf(cfg->name, sizeof(cfg->name), "ctr");
}

void ctr_config_release(struct ctr_config *cfg)
{
	ctr_bundle_release(cfg);
	for (size_t i = 0; i < cfg->nbinds; i++) {
		free(cfg->binds[i].owned);
		cfg->binds[i].owned = NULL;
	}
}

static int parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

static bool name_valid(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n >= max)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return true;
}

/* ADDR/PREFIX with an IPv4 address; the kernel gets the prefix length. */
/* IPv4 ADDR/PREFIX into `a` and `prefix`. */
static bool cidr_parse(const char *s, struct in_addr *a, uint64_t *prefix)
{
	char addr[64], *slash;

	if (strlen(s) >= sizeof(addr))
		return false;
	strcpy(addr, s);
	slash = strchr(addr, '/');
	if (!slash)
		return false;
	*slash = '\0';
	return inet_pton(AF_INET, addr, a) == 1 && parse_u64(slash + 1, 1, 32, prefix) == 0;
}

static bool cidr_valid(const char *s)
{
	struct in_addr a;
	uint64_t prefix;

	return cidr_parse(s, &a, &prefix);
}

/* Whether `gw` lies in the subnet of `cidr` (both valid): the kernel
 * refuses a route via a gateway it cannot reach. */
static bool gw_in_subnet(const char *cidr, const char *gw)
{
	struct in_addr a, g;
	uint64_t prefix;
	uint32_t mask;

	if (!cidr_parse(cidr, &a, &prefix) || inet_pton(AF_INET, gw, &g) != 1)
		return false;
	mask = prefix == 32 ? ~0u : ~(~0u >> prefix);
	return (ntohl(a.s_addr) & mask) == (ntohl(g.s_addr) & mask);
}

static int set_cpus(struct ctr_config *cfg, const char *s)
{
	char *end;
	double cpus;

	errno = 0;
	cpus = strtod(s, &end);
	if (errno || *end || end == s || !isfinite(cpus) || cpus <= 0 || cpus > CTR_CPUS_MAX)
		return -EINVAL;
	cfg->cpu_period_us = CTR_CPU_PERIOD_US;
	cfg->cpu_quota_us = (uint64_t)llround(cpus * (double)CTR_CPU_PERIOD_US);
	return cfg->cpu_quota_us < CTR_CPU_MIN_QUOTA_US ? -EINVAL : 0;
}

/* SRC:/DST, split in a copy so that argv stays as it was. */
static int add_bind(struct ctr_config *cfg, const char *spec)
{
	const char *colon = strchr(spec, ':');
	struct ctr_bind *b = &cfg->binds[cfg->nbinds];

	if (!colon || colon == spec || colon[1] != '/' || cfg->nbinds == CTR_BINDS_MAX)
		return -EINVAL;
	b->owned = strdup(spec);
	if (!b->owned)
		return -ENOMEM;
	b->owned[colon - spec] = '\0';
	b->src = b->owned;
	b->dst = b->owned + (colon - spec) + 1;
	cfg->nbinds++;
	return 0;
}

enum {
	OPT_ROOTFS = 256,
	OPT_RW,
	OPT_BUNDLE,
	OPT_NAME,
	OPT_RUNID,
	OPT_HOSTNAME,
	OPT_MEMORY,
	OPT_PIDS,
	OPT_CPUS,
	OPT_NO_CGROUP,
	OPT_NETNS,
	OPT_BRIDGE,
	OPT_IP,
	OPT_GW,
	OPT_BIND,
	OPT_ENV,
	OPT_CWD,
	OPT_USERNS,
	OPT_EVENTS,
	OPT_EVENTS_FD,
};

static const struct option run_options[] = {
	{"rootfs", required_argument, NULL, OPT_ROOTFS},
	{"rootfs-rw", no_argument, NULL, OPT_RW},
	{"bundle", required_argument, NULL, OPT_BUNDLE},
	{"name", required_argument, NULL, OPT_NAME},
	{"run-id", required_argument, NULL, OPT_RUNID},
	{"hostname", required_argument, NULL, OPT_HOSTNAME},
	{"memory", required_argument, NULL, OPT_MEMORY},
	{"pids", required_argument, NULL, OPT_PIDS},
	{"cpus", required_argument, NULL, OPT_CPUS},
	{"no-cgroup", no_argument, NULL, OPT_NO_CGROUP},
	{"netns", required_argument, NULL, OPT_NETNS},
	{"bridge", required_argument, NULL, OPT_BRIDGE},
	{"ip", required_argument, NULL, OPT_IP},
	{"gw", required_argument, NULL, OPT_GW},
	{"bind", required_argument, NULL, OPT_BIND},
	{"env", required_argument, NULL, OPT_ENV},
	{"cwd", required_argument, NULL, OPT_CWD},
	{"userns", no_argument, NULL, OPT_USERNS},
	{"events", no_argument, NULL, OPT_EVENTS},
	{"events-fd", required_argument, NULL, OPT_EVENTS_FD},
	{"help", no_argument, NULL, 'h'},
	{NULL, 0, NULL, 0},
};

/* The option being applied, for its error line. */
struct opt_arg {
	const char *name; /* long name */
	char *arg;
	enum ctr_exit *cls;
	struct iso_err *err;
};

/* 0 when `ok`; else one line "--NAME 'ARG': WANT" with exit class `c`. */
static int check(bool ok, enum ctr_exit c, const char *want, const struct opt_arg *o)
{
	if (ok)
		return 0;
	*o->cls = c;
	return iso_err_input(o->err, -EINVAL, "--%s '%s': %s", o->name, o->arg, want);
}

/* The checked argument copied into a fixed-size field of the config. */
static int set_text(char *field, size_t cap, bool ok, enum ctr_exit c, const char *want,
		    const struct opt_arg *o)
{
	int r = check(ok && strlen(o->arg) < cap, c, want, o);

	if (r == 0)
		snprintf(field, cap, "%s", o->arg);
	return r;
}

/* The checked argument kept as a pointer into argv. */
static int set_ptr(const char **field, bool ok, enum ctr_exit c, const char *want,
		   const struct opt_arg *o)
{
	int r = check(ok, c, want, o);

	if (r == 0)
		*field = o->arg;
	return r;
}

/* One option; `opt` is its getopt code, `name` its long name. */
static int apply_option(struct ctr_config *cfg, int opt, const char *name, char *arg,
			enum ctr_exit *cls, struct iso_err *err)
{
	const struct opt_arg o = {name, arg, cls, err};
	struct in_addr a;
	uint64_t v;
	int r;

	switch (opt) {
	case OPT_ROOTFS:
		cfg->rootfs = arg;
		return 0;
	case OPT_RW:
		cfg->rootfs_rw = true;
		return 0;
	case OPT_BUNDLE:
		r = ctr_bundle_load(arg, cfg, err);
		if (r < 0)
			*cls = CTR_EXIT_BUNDLE;
		return r;
	case OPT_NAME:
		return set_text(cfg->name, sizeof(cfg->name), name_valid(arg, CTR_NAME_MAX),
				CTR_EXIT_USAGE, "want 1-31 characters of [a-z0-9_-]", &o);
	case OPT_RUNID:
		return set_text(cfg->rid, sizeof(cfg->rid), runid_valid(arg), CTR_EXIT_USAGE,
				"want 6 lowercase hex characters", &o);
	case OPT_HOSTNAME:
		return set_text(cfg->hostname, sizeof(cfg->hostname), *arg, CTR_EXIT_USAGE,
				"want 1-63 characters", &o);
	case OPT_MEMORY:
		return check(parse_u64(arg, CTR_MEMORY_MIN_MIB, CTR_MEMORY_MAX_MIB,
				       &cfg->memory_mib) == 0,
			     CTR_EXIT_LIMIT, "want a whole number of MiB, at least 4", &o);
	case OPT_PIDS:
		return check(parse_u64(arg, 1, 4194304, &cfg->pids_max) == 0, CTR_EXIT_LIMIT,
			     "want a whole number of processes, 1..4194304", &o);
	case OPT_CPUS:
		return check(set_cpus(cfg, arg) == 0, CTR_EXIT_LIMIT,
			     "want a number of CPUs, 0.01..1024", &o);
	case OPT_NO_CGROUP:
		cfg->no_cgroup = true;
		return 0;
	case OPT_NETNS:
		cfg->netns = arg;
		return 0;
	case OPT_BRIDGE:
		return set_ptr(&cfg->bridge, *arg && strlen(arg) <= 15, CTR_EXIT_NET,
			       "want an interface name of 1-15 characters", &o);
	case OPT_IP:
		return set_text(cfg->ip, sizeof(cfg->ip), cidr_valid(arg), CTR_EXIT_NET,
				"want an IPv4 ADDR/PREFIX", &o);
	case OPT_GW:
		return set_text(cfg->gw, sizeof(cfg->gw), inet_pton(AF_INET, arg, &a) == 1,
				CTR_EXIT_NET, "want an IPv4 address", &o);
	case OPT_BIND:
		return check(add_bind(cfg, arg) == 0, CTR_EXIT_USAGE, "want SRC:/DST (at most 16)",
			     &o);
	case OPT_ENV:
		r = check(strchr(arg, '=') && *arg != '=' && cfg->nenv < CTR_ENV_MAX,
			  CTR_EXIT_USAGE, "want KEY=VALUE (at most 64)", &o);
		if (r == 0)
			cfg->env[cfg->nenv++] = arg;
		return r;
	case OPT_CWD:
		return set_ptr(&cfg->cwd, *arg == '/', CTR_EXIT_USAGE, "want an absolute path", &o);
	case OPT_USERNS:
		cfg->namespaces |= CTR_NS_USER;
		return 0;
	case OPT_EVENTS:
		cfg->events_stderr = true;
		return 0;
	case OPT_EVENTS_FD:
		r = check(parse_u64(arg, 0, 1 << 20, &v) == 0 && fcntl((int)v, F_GETFD) >= 0,
			  CTR_EXIT_USAGE, "want an open file descriptor", &o);
		if (r == 0)
			cfg->events_fd = (int)v;
		return r;
	default:
		*cls = CTR_EXIT_USAGE;
		return iso_err_input(err, -EINVAL, "run: unknown option (see isoctr run --help)");
	}
}

static const char *option_name(int opt)
{
	for (const struct option *o = run_options; o->name; o++)
		if (o->val == opt)
			return o->name;
	return "?";
}

int ctr_opts_parse(int argc, char **argv, struct ctr_config *cfg, enum ctr_exit *cls,
		   struct iso_err *err)
{
	int opt, r;

	*cls = CTR_EXIT_USAGE;
	cfg->cmdline = argv;
	cfg->cmdline_len = argc;
	optind = 1;
	opterr = 0;
	/* '+': stop at PROGRAM, whose own options are not ours. */
	while ((opt = getopt_long(argc, argv, "+h", run_options, NULL)) != -1) {
		if (opt == 'h')
			return 1;
		if (opt == '?' || opt == ':') {
			*cls = CTR_EXIT_USAGE;
			return iso_err_input(err, -EINVAL,
					     "run: bad option '%s' (see isoctr run --help)",
					     argv[optind - 1]);
		}
		if ((r = apply_option(cfg, opt, option_name(opt), optarg, cls, err)) < 0)
			return r;
	}
	if (optind < argc)
		cfg->argv = &argv[optind];
	if (!cfg->rootfs)
		return iso_err_input(err, -EINVAL,
				     "run: --rootfs DIR (or --bundle DIR) is required");
	if (!cfg->argv || !cfg->argv[0])
		return iso_err_input(err, -EINVAL,
				     "run: no PROGRAM given (isoctr run ... -- PROGRAM)");
	if (cfg->no_cgroup && (cfg->memory_mib || cfg->pids_max || cfg->cpu_quota_us)) {
		*cls = CTR_EXIT_LIMIT;
		return iso_err_input(err, -EINVAL, "run: limits need a cgroup (not --no-cgroup)");
	}
	if (!!cfg->netns != !!cfg->bridge || (cfg->netns && !cfg->ip[0]) ||
	    (!cfg->netns && (cfg->ip[0] || cfg->gw[0]))) {
		*cls = CTR_EXIT_NET;
		return iso_err_input(err, -EINVAL, "run: --netns, --bridge and --ip go together");
	}
	if (cfg->gw[0] && !gw_in_subnet(cfg->ip, cfg->gw)) {
		*cls = CTR_EXIT_NET;
		return iso_err_input(err, -EINVAL, "run: --gw %s is outside the subnet of --ip %s",
				     cfg->gw, cfg->ip);
	}
	if (cfg->netns && !(cfg->namespaces & CTR_NS_NET)) {
		*cls = CTR_EXIT_NET;
		return iso_err_input(err, -EINVAL, "run: a veth needs a network namespace");
	}
	return 0;
}
