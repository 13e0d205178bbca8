# ctr-backend/: isoctr, the namespace container runtime (ctr-backend/README.md).
# Every ctr-backend/*.c except the CLI is library code (unit-tested).
# ctr-backend/probe/ holds the benchmark's raw-clone floor (static).
ISOCTR_MAIN := ctr-backend/isoctr.c
CTR_SRCS := $(filter-out $(ISOCTR_MAIN),$(sort $(wildcard ctr-backend/*.c)))
LIB_SRCS += $(CTR_SRCS)
PROGRAMS += isoctr

# Only what isoctr needs, so a broken neighbour does not break it.
ISOCTR_OBJS := $(BUILD)/obj/$(ISOCTR_MAIN:.c=.o) $(CTR_SRCS:%.c=$(BUILD)/obj/%.o) \
               $(COMMON_SRCS:%.c=$(BUILD)/obj/%.o) \
               $(addprefix $(BUILD)/obj/harness/,fsutil.o port_reader.o runid.o sweep.o)
# libnl and libcap linked statically: isoctr is on the startup path it
# measures, and every shared library costs mmap/mprotect/relocation work
# (about 2.5 ms of CPU per run here); libcjson has no static archive.
ISOCTR_LDLIBS := -Wl,-Bstatic -lnl-route-3 -lnl-3 -lcap -Wl,-Bdynamic -lcjson -lm -lpthread
$(BUILD)/isoctr: $(ISOCTR_OBJS)
	$(CC) -o $@ $^ $(ISOCTR_LDLIBS)

$(BUILD)/tests/ctr-floor: $(BUILD)/static/ctr-backend/probe/ctr_floor.o
	@mkdir -p $(dir $@)
	$(CC) -static -s -o $@ $^

.PHONY: bench-ctr
bench-ctr: $(BUILD)/isoctr $(BUILD)/tests/ctr-floor image
	scripts/bench-ctr
