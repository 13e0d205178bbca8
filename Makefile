# isobench: one entry point. `make` builds everything into build/;
# `make run` runs the suite; `make test` runs every test (TAP, via prove).
#
# Each folder contributes a fragment (*/module.mk) that appends to:
#   PROGRAMS   dynamic host programs, build/<name>
#   LIB_SRCS   library sources (no main) linked into programs and unit tests
#   TEST_PROGS extra TAP-producing programs built for `make test`
# and defines its own link rules. Objects land in build/obj (normal),
# build/san (ASan+UBSan, for unit tests) and build/static (guest image).

BUILD    := build
CC       ?= gcc
WARN     := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
            -Wmissing-prototypes -Wvla -Wno-missing-field-initializers
CPPFLAGS := -D_GNU_SOURCE -Iharness -Ibench/port -Ivm-backend -Ictr-backend
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 $(WARN) -MMD -MP
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=all
LDLIBS   := -lnl-route-3 -lnl-3 -lmnl -lcjson -lhwloc -lpfm -lcap -lm -lpthread
NLFLAGS  := -I/usr/include/libnl3

# Program link rules in fragments name their library objects as $$(LIB_OBJS)
# (second expansion), so a fragment may use sources listed by any other.
.SECONDEXPANSION:
.SECONDARY:

PROGRAMS   :=
LIB_SRCS   :=
TEST_PROGS :=
STATIC_PROGS :=

.PHONY: all deps image test unit-test check-format format run bench clean distclean \
        ab-selftest
all: deps-stamp

LIB_OBJS = $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
SAN_OBJS = $(LIB_SRCS:%.c=$(BUILD)/san/%.o)

include harness/module.mk
include bench/module.mk
include vm-backend/module.mk
include ctr-backend/module.mk
include tests/module.mk
include tests/fuzz/module.mk


all: $(PROGRAMS:%=$(BUILD)/%)

# The guest kernel (Debian's cloud kernel package, cached under build/guest)
# and the emulated KVM test machine (tests/testvm.mk) come with `make`.
all: $(BUILD)/guest/vmlinuz $(BUILD)/testvm/initramfs.cpio.gz
$(BUILD)/guest/vmlinuz: | $(BUILD)/.deps
	scripts/guest-kernel

# Dependencies come from Debian packages only; the stamp keeps `make`
# from asking dpkg on every invocation.
deps-stamp: $(BUILD)/.deps
$(BUILD)/.deps: scripts/deps scripts/packages.txt
	scripts/deps
	@mkdir -p $(BUILD) && touch $@
deps: $(BUILD)/.deps

$(BUILD)/obj/%.o: %.c | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(NLFLAGS) $(CFLAGS) -c $< -o $@

$(BUILD)/san/%.o: %.c | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(NLFLAGS) $(CFLAGS) $(SANFLAGS) -c $< -o $@

$(BUILD)/static/%.o: %.c | $(BUILD)/.deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Os -c $< -o $@

CLANG_FORMAT_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
check-format:
	clang-format --dry-run --Werror $(CLANG_FORMAT_FILES)
format:
	clang-format -i $(CLANG_FORMAT_FILES)

# Unit tests (no root, no KVM, sanitized) and integration tests (root;
# tests/testvm/*.t run inside the emulated KVM machine). prove prints the
# closing summary that CI reads.
TEST_FILES = $(sort $(TEST_PROGS:%=$(BUILD)/%)) \
             $(sort $(wildcard tests/integration/*.t)) \
             $(sort $(wildcard tests/testvm/*.t))
test: all $(TEST_PROGS:%=$(BUILD)/%)
	$(MAKE) --no-print-directory check-format
	CMOCKA_MESSAGE_OUTPUT=TAP prove -e tests/run-test $(PROVE_FLAGS) $(TEST_FILES:%=./%)

# bench ab of HEAD against itself must pass: builds the tree twice and
# measures, so minutes; benchmark-style, not part of `make test`.
ab-selftest: all
	tests/ab-selftest

run: all
	scripts/run-suite

clean:
	rm -rf $(BUILD)/obj $(BUILD)/san $(BUILD)/static $(BUILD)/tests \
	       $(PROGRAMS:%=$(BUILD)/%) $(BUILD)/image
distclean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
