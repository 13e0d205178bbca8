# bench/image/: the one guest image (`make image`, part of `all`).
#
# Every guest program (init, workloads, bench-sink) is linked into one
# static multi-call binary, build/static/bin/bench-guest (guest.h).
# Fragments add their sources to GUEST_SRCS and the names the binary
# answers to in the image to GUEST_NAMES.
CPPFLAGS += -Ibench/image
GUEST_SRCS += bench/image/guest.c
GUEST_OBJS = $(sort $(GUEST_SRCS:%.c=$(BUILD)/static/%.o)) \
             $(COMMON_SRCS:%.c=$(BUILD)/static/%.o) $(BUILD)/static/bench/port/bench_port.o
GUEST_BIN := $(BUILD)/static/bin/bench-guest

# -s: the image carries no symbols (smaller initramfs, faster boot); the
# unstripped objects stay in build/static for debugging.
$(GUEST_BIN): $$(GUEST_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -static -s -o $@ $^

IMAGE_DIR := $(BUILD)/image
KVER_FILE := $(BUILD)/guest/KVER

all: image
image: $(IMAGE_DIR)/HASH

$(KVER_FILE): scripts/guest-kernel | $(BUILD)/.deps
	scripts/guest-kernel

$(IMAGE_DIR)/HASH: scripts/mkimage $(KVER_FILE) $(GUEST_BIN)
	scripts/mkimage $(BUILD) $(GUEST_NAMES)
