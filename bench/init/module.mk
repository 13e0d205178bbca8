# bench/init/: the PID 1 of every backend, /init in the guest image. The
# command-line parser is library code (unit-tested).
LIB_SRCS += bench/init/init_cmdline.c
GUEST_SRCS += $(wildcard bench/init/*.c)
GUEST_NAMES += init
CPPFLAGS += -Ibench/init
