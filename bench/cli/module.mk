# bench/cli/: the `bench` command. Its sources are the program's own (one
# main); everything else comes from the harness library.
BENCH_CLI_SRCS := $(sort $(wildcard bench/cli/*.c))
PROGRAMS += bench

$(BUILD)/bench: $(BENCH_CLI_SRCS:%.c=$(BUILD)/obj/%.o) $$(LIB_OBJS)
	$(CC) -o $@ $^ $(LDLIBS)
