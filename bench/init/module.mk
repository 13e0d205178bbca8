# bench/init/: the static PID 1 of every backend. The command-line parser is
# library code (unit-tested); the rest only exists in the static binary.
LIB_SRCS += bench/init/init_cmdline.c
STATIC_PROGS += init
STATIC_OBJS_init := $(patsubst %.c,$(BUILD)/static/%.o,$(wildcard bench/init/*.c))
CPPFLAGS += -Ibench/init
