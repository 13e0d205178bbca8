# bench/sink/: bench-sink, the far end of net-stream and net-rr. One static
# binary, both on the host (build/bench-sink, run by the harness in the sink
# namespace) and in the image (/bin/bench-sink).
SINK_LIB_SRCS := bench/sink/sink_args.c bench/sink/sink_session.c
LIB_SRCS += $(SINK_LIB_SRCS)
STATIC_PROGS += bench-sink
STATIC_OBJS_bench-sink = $(patsubst %.c,$(BUILD)/static/%.o,bench/sink/sink.c \
	$(SINK_LIB_SRCS) $(WORKLOAD_LIB_SRCS))
PROGRAMS += bench-sink
$(BUILD)/bench-sink: $(STATIC_BIN)/bench-sink
	cp $< $@
CPPFLAGS += -Ibench/sink

# Benchmark, not a test: net-stream vs iperf3 on one veth pair, one run.
.PHONY: bench-net-tool
bench-net-tool: $(BUILD)/bench-sink $(BUILD)/portcat image
	scripts/bench-net-tool
