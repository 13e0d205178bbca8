# harness/: the library behind `bench`, plus the pieces every program shares.
# COMMON_SRCS are linked into every program, static workloads included.
COMMON_SRCS  := harness/err.c harness/netif.c harness/port_wire.c
HARNESS_SRCS := $(filter-out $(COMMON_SRCS),$(sort $(wildcard harness/*.c)))
LIB_SRCS     += $(COMMON_SRCS) $(HARNESS_SRCS)
