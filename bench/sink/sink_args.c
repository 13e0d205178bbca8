/* bench-sink argument parsing. */
#include "sink_args.h"

#include <errno.h>
#include <string.h>

#include "workload_args.h"

#define SINK_USAGE "usage: bench-sink --listen ADDR:PORT [--max-seconds S] [--once]"

static int parse_listen(const char *s, struct sockaddr_in *sa, struct iso_err *err)
{
	char host[64];
	const char *colon = strrchr(s, ':');

	if (!colon || (size_t)(colon - s) >= sizeof(host))
		return iso_err_input(err, -EINVAL, "--listen: expected ADDR:PORT, got '%s'", s);
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	return workload_args_endpoint(host, colon + 1, sa, err);
}

int sink_args_parse(int argc, char **argv, struct sink_args *a, struct iso_err *err)
{
	int have_listen = 0;

	memset(a, 0, sizeof(*a));
	a->max_s = SINK_MAX_S_DEFAULT;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--once")) {
			a->once = 1;
			continue;
		}
		if (strcmp(argv[i], "--listen") != 0 && strcmp(argv[i], "--max-seconds") != 0) {
			iso_err_input(err, -EINVAL, "unknown argument '%s'", argv[i]);
			return iso_err_wrap(err, SINK_USAGE);
		}
		if (i + 1 >= argc) {
			iso_err_input(err, -EINVAL, "%s needs a value", argv[i]);
			return iso_err_wrap(err, SINK_USAGE);
		}
		if (!strcmp(argv[i], "--listen")) {
			if (parse_listen(argv[i + 1], &a->listen, err) < 0)
				return iso_err_wrap(err, SINK_USAGE);
			have_listen = 1;
		} else if (workload_args_seconds(argv[i + 1], &a->max_s, "--max-seconds", err) <
				   0 ||
			   a->max_s <= 0) {
			if (a->max_s <= 0)
				iso_err_input(err, -EINVAL, "--max-seconds: must be more than 0");
			return iso_err_wrap(err, SINK_USAGE);
		}
		i++;
	}
	if (!have_listen) {
		iso_err_input(err, -EINVAL, "--listen is required");
		return iso_err_wrap(err, SINK_USAGE);
	}
	return 0;
}
