/* bench-guest: the multi-call binary behind /init, /bin/<workload> and
 * bench-sink (guest.h). Also runnable as `bench-guest NAME [ARGS...]`. */
#include <stdio.h>
#include <string.h>

#include "guest.h"

#define GUEST_EXIT_USAGE 2

static const struct {
	const char *name;
	int (*main)(int argc, char **argv);
} guest_programs[] = {
	{"init", init_main},
	{"ready", ready_main},
	{"mem", mem_main},
	{"cpu", cpu_main},
	{"syscall", syscall_main},
	{"tasks", tasks_main},
	{"net-stream", net_stream_main},
	{"net-rr", net_rr_main},
	{"bench-sink", sink_main},
};

int main(int argc, char **argv)
{
	const char *name = argc > 0 ? strrchr(argv[0], '/') : NULL;

	name = name ? name + 1 : argc > 0 ? argv[0] : "";
	if (!strcmp(name, "bench-guest") && argc > 1) {
		argv++;
		argc--;
		name = argv[0];
	}
	for (size_t i = 0; i < sizeof(guest_programs) / sizeof(guest_programs[0]); i++) {
		if (!strcmp(name, guest_programs[i].name))
			return guest_programs[i].main(argc, argv);
	}
	fprintf(stderr, "bench-guest: unknown program '%s'; one of:", name);
	for (size_t i = 0; i < sizeof(guest_programs) / sizeof(guest_programs[0]); i++)
		fprintf(stderr, " %s", guest_programs[i].name);
	fputc('\n', stderr);
	return GUEST_EXIT_USAGE;
}
