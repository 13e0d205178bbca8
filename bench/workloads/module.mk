# bench/workloads/: the identical workloads, one <name>_main() per file
# (<name>.c, '-' spelled '_'), all in the guest binary; everything else in
# the folder is library code shared with the unit tests and bench-sink.
WORKLOADS := ready mem cpu syscall tasks net-stream net-rr
WORKLOAD_MAINS := $(foreach w,$(WORKLOADS),bench/workloads/$(subst -,_,$(w)).c)
WORKLOAD_LIB_SRCS := $(filter-out $(WORKLOAD_MAINS),$(sort $(wildcard bench/workloads/*.c)))
LIB_SRCS += $(WORKLOAD_LIB_SRCS)
GUEST_SRCS += $(WORKLOAD_MAINS) $(WORKLOAD_LIB_SRCS)
GUEST_NAMES += $(WORKLOADS)
# Unit tests and bench-sink include the workload headers.
CPPFLAGS += -Ibench/workloads
