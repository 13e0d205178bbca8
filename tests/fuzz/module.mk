# Fuzz targets (libFuzzer, clang, ASan+UBSan). Not part of `make test`:
# `make fuzz` runs each target for FUZZ_SECONDS and fails on any finding.
FUZZ_SECONDS ?= 60
FUZZ_CC      := clang
# clang flags a va_list helper in err.c that gcc accepts under -Wformat=2.
FUZZ_FLAGS   := -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -g -O1 \
                -Wno-format-nonliteral

FUZZ_VIRTQUEUE_SRCS := tests/fuzz/fuzz_virtqueue.c vm-backend/virtqueue.c \
                       vm-backend/virtio_net_frame.c vm-backend/guest_mem.c harness/err.c

$(BUILD)/fuzz/fuzz_virtqueue: $(FUZZ_VIRTQUEUE_SRCS) $(wildcard vm-backend/*.h) | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) -std=c11 $(WARN) $(FUZZ_FLAGS) $(FUZZ_VIRTQUEUE_SRCS) -o $@

.PHONY: fuzz
fuzz: $(BUILD)/fuzz/fuzz_virtqueue
	@mkdir -p $(BUILD)/fuzz/corpus-virtqueue
	$(BUILD)/fuzz/fuzz_virtqueue -max_total_time=$(FUZZ_SECONDS) -max_len=8192 \
		-print_final_stats=1 $(BUILD)/fuzz/corpus-virtqueue
