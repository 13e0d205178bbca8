# bench/sink/: bench-sink, the far end of net-stream and net-rr. Part of the
# guest binary (/bin/bench-sink in the image) and, the same static binary,
# build/bench-sink on the host, where the harness runs it in the sink
# namespace.
SINK_LIB_SRCS := bench/sink/sink_args.c bench/sink/sink_session.c
LIB_SRCS += $(SINK_LIB_SRCS)
GUEST_SRCS += bench/sink/sink.c $(SINK_LIB_SRCS)
GUEST_NAMES += bench-sink
CPPFLAGS += -Ibench/sink
PROGRAMS += bench-sink
$(BUILD)/bench-sink: $(BUILD)/static/bin/bench-guest
	cp $< $@

# Benchmark, not a test: net-stream vs iperf3 on one veth pair, one run.
.PHONY: bench-net-tool
bench-net-tool: $(BUILD)/bench-sink $(BUILD)/portcat image
	scripts/bench-net-tool
