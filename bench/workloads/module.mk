# bench/workloads/: the identical workloads, static, one main file each
# (<name>.c, the name with '-' as '_'); everything else in the folder is
# library code shared with the unit tests and, where needed, bench-sink.
WORKLOADS := ready mem cpu syscall tasks net-stream net-rr
WORKLOAD_MAINS := $(foreach w,$(WORKLOADS),bench/workloads/$(subst -,_,$(w)).c)
WORKLOAD_LIB_SRCS := $(filter-out $(WORKLOAD_MAINS),$(sort $(wildcard bench/workloads/*.c)))
LIB_SRCS += $(WORKLOAD_LIB_SRCS)
STATIC_PROGS += $(WORKLOADS)
$(foreach w,$(WORKLOADS),$(eval STATIC_OBJS_$(w) := \
	$(BUILD)/static/bench/workloads/$(subst -,_,$(w)).o \
	$(WORKLOAD_LIB_SRCS:%.c=$(BUILD)/static/%.o)))
# Unit tests and bench-sink include the workload headers.
CPPFLAGS += -Ibench/workloads
