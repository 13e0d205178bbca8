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
               $(addprefix $(BUILD)/obj/harness/,port_reader.o runid.o sweep.o)
$(BUILD)/isoctr: $(ISOCTR_OBJS)
	$(CC) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/ctr-floor: $(BUILD)/static/ctr-backend/probe/ctr_floor.o
	@mkdir -p $(dir $@)
	$(CC) -static -s -o $@ $^

.PHONY: bench-ctr
bench-ctr: $(BUILD)/isoctr $(BUILD)/tests/ctr-floor image
	scripts/bench-ctr
