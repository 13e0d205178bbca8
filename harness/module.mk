# harness/: the library behind `bench` (and the pieces every program shares).
LIB_SRCS += harness/err.c harness/port_wire.c
