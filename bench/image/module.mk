# bench/image/: static guest programs and the one guest image (`make image`,
# part of `all`). Fragments list their static programs in STATIC_PROGS and
# their objects in STATIC_OBJS_<name>; every static program also links the
# shared wire code and the bench port client.
STATIC_BASE_OBJS := $(COMMON_SRCS:%.c=$(BUILD)/static/%.o) \
                    $(BUILD)/static/bench/port/bench_port.o
STATIC_BIN := $(BUILD)/static/bin

# -s: the image carries no symbols (smaller initramfs, faster boot); the
# unstripped objects stay in build/static for debugging.
$(STATIC_BIN)/%: $$(STATIC_OBJS_$$*) $(STATIC_BASE_OBJS)
	@mkdir -p $(dir $@)
	$(CC) -static -s -o $@ $^

IMAGE_DIR := $(BUILD)/image
KVER_FILE := $(BUILD)/guest/KVER

all: image
image: $(IMAGE_DIR)/HASH

$(KVER_FILE): scripts/guest-kernel | $(BUILD)/.deps
	scripts/guest-kernel

STATIC_PROG_BINS = $(STATIC_PROGS:%=$(STATIC_BIN)/%)
$(IMAGE_DIR)/HASH: scripts/mkimage $(KVER_FILE) $$(STATIC_PROG_BINS)
	scripts/mkimage $(BUILD) $(STATIC_PROGS)
