# bench/port/: the bench port client (linked into every workload and the
# init, static) and portcat, the simplest native runner.
BENCH_PORT_SRCS := bench/port/bench_port.c
LIB_SRCS += $(BENCH_PORT_SRCS)
PROGRAMS += portcat

# Only what it needs, so a broken neighbour does not break the runner.
PORTCAT_OBJS := $(BUILD)/obj/bench/port/portcat.o $(BUILD)/obj/harness/port_reader.o \
                $(COMMON_SRCS:%.c=$(BUILD)/obj/%.o)
$(BUILD)/portcat: $(PORTCAT_OBJS)
	$(CC) -o $@ $^
