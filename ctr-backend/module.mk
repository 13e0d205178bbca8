# ctr-backend/: isoctr, the namespace container runtime (ctr-backend/README.md).
# Every ctr-backend/*.c except the CLI is library code (unit-tested).
# ctr-backend/exec/ holds the static isoctr's stand-in for ctr_bundle.c;
# ctr-backend/probe/ the benchmark's raw-clone floor and its launcher (static).
ISOCTR_MAIN := ctr-backend/isoctr.c
CTR_SRCS := $(filter-out $(ISOCTR_MAIN),$(sort $(wildcard ctr-backend/*.c)))
LIB_SRCS += $(CTR_SRCS)
PROGRAMS += isoctr isoctr-bundle

# Only what isoctr needs, so a broken neighbour does not break it.
ISOCTR_OBJS := $(BUILD)/obj/$(ISOCTR_MAIN:.c=.o) \
               $(patsubst %.c,$(BUILD)/obj/%.o,$(filter-out ctr-backend/ctr_bundle.c,$(CTR_SRCS))) \
               $(COMMON_SRCS:%.c=$(BUILD)/obj/%.o) \
               $(addprefix $(BUILD)/obj/harness/,fsutil.o nl_route.o port_reader.o runid.o sweep.o)
# isoctr is on the startup path it measures and is linked statically: a
# shared library costs mmap/mprotect/relocation work and page faults on
# every run (about 0.7 ms of CPU here for libc, libm and libcjson). cJSON,
# which only --bundle needs, has no static archive: isoctr-bundle is the
# same program linked dynamically with ctr_bundle.c, and isoctr hands a
# --bundle run to it (exec/bundle_exec.c). The static link warns about
# getaddrinfo and getprotobyname/-number, which libnl's address helpers
# reference; isoctr never calls them (addresses are numeric).
$(BUILD)/isoctr: $(ISOCTR_OBJS) $(BUILD)/obj/ctr-backend/exec/bundle_exec.o
	$(CC) -static -o $@ $^ -lnl-route-3 -lnl-3 -lcap -lm -lpthread
$(BUILD)/isoctr-bundle: $(ISOCTR_OBJS) $(BUILD)/obj/ctr-backend/ctr_bundle.o
	$(CC) -o $@ $^ -Wl,-Bstatic -lnl-route-3 -lnl-3 -lcap -Wl,-Bdynamic -lcjson -lm -lpthread

$(BUILD)/tests/ctr-floor: $(BUILD)/static/ctr-backend/probe/ctr_floor.o
	@mkdir -p $(dir $@)
	$(CC) -static -s -o $@ $^

$(BUILD)/tests/ctr-launch: $(BUILD)/static/ctr-backend/probe/ctr_launch.o
	@mkdir -p $(dir $@)
	$(CC) -static -s -o $@ $^

.PHONY: bench-ctr
bench-ctr: $(BUILD)/isoctr $(BUILD)/tests/ctr-floor $(BUILD)/tests/ctr-launch image
	scripts/bench-ctr
