# bench/: each subfolder (port, workloads, init, sink, cli, ...) has its own
# fragment.
include $(sort $(wildcard bench/*/module.mk))
