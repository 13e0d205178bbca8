/* Kernel command-line parser for the init's bench.* network parameters. */
#include "init_cmdline.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#define PARAM_IP     "bench.ip="
#define PARAM_GW     "bench.gw="
#define PARAM_IF     "bench.if="
#define PARAM_PREFIX "bench."

/* Longest word we accept: "bench.ip=" plus a dotted quad and "/32". */
#define WORD_MAX 64

static int parse_ip(const char *v, struct init_net_cfg *cfg, struct iso_err *err)
{
	char addr[INET_ADDRSTRLEN];
	const char *slash = strchr(v, '/');
	char *end;
	long prefix;

	if (!slash || (size_t)(slash - v) >= sizeof(addr))
		return iso_err_input(err, -EINVAL, "bench.ip=%s: expected ADDR/PREFIX", v);
	memcpy(addr, v, (size_t)(slash - v));
	addr[slash - v] = '\0';
	if (inet_pton(AF_INET, addr, &cfg->addr) != 1)
		return iso_err_input(err, -EINVAL, "bench.ip=%s: bad IPv4 address", v);
	errno = 0;
	prefix = strtol(slash + 1, &end, 10);
	if (slash[1] == '\0' || *end || errno || prefix < 0 || prefix > 32)
		return iso_err_input(err, -EINVAL, "bench.ip=%s: prefix must be 0..32", v);
	cfg->prefix = (int)prefix;
	cfg->have_ip = 1;
	return 0;
}

static int parse_word(const char *w, struct init_net_cfg *cfg, struct iso_err *err)
{
	if (!strncmp(w, PARAM_IP, strlen(PARAM_IP)))
		return parse_ip(w + strlen(PARAM_IP), cfg, err);
	if (!strncmp(w, PARAM_GW, strlen(PARAM_GW))) {
		if (inet_pton(AF_INET, w + strlen(PARAM_GW), &cfg->gw) != 1)
			return iso_err_input(err, -EINVAL, "%s: bad IPv4 address", w);
		cfg->have_gw = 1;
		return 0;
	}
	if (!strncmp(w, PARAM_IF, strlen(PARAM_IF))) {
		const char *name = w + strlen(PARAM_IF);
		if (!*name || strlen(name) >= sizeof(cfg->ifname) || strchr(name, '/'))
			return iso_err_input(err, -EINVAL, "%s: bad interface name", w);
		strcpy(cfg->ifname, name);
		return 0;
	}
	return iso_err_input(err, -EINVAL, "unknown parameter '%s'", w);
}

int init_cmdline_parse(const char *cmdline, struct init_net_cfg *cfg, struct iso_err *err)
{
	const char *p = cmdline;

	memset(cfg, 0, sizeof(*cfg));
	strcpy(cfg->ifname, "eth0");
	for (;;) {
		char word[WORD_MAX + 1];
		size_t len;

		p += strspn(p, " \t\n");
		if (!*p)
			break;
		len = strcspn(p, " \t\n");
		/* Everything after "--" belongs to init's argv. */
		if (len == 2 && !strncmp(p, "--", 2))
			break;
		if (!strncmp(p, PARAM_PREFIX, strlen(PARAM_PREFIX))) {
			if (len > WORD_MAX)
				return iso_err_input(err, -EINVAL, "parameter '%.*s...' too long",
						     20, p);
			memcpy(word, p, len);
			word[len] = '\0';
			if (parse_word(word, cfg, err) < 0)
				return iso_err_wrap(err, "kernel command line");
		}
		p += len;
	}
	if (cfg->have_gw && !cfg->have_ip)
		return iso_err_input(err, -EINVAL,
				     "kernel command line: bench.gw without bench.ip");
	return 0;
}
