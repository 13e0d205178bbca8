# Unit tests: every tests/unit/test_*.c is one cmocka program emitting TAP,
# built with ASan+UBSan against the sanitized library objects.
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_PROGS := $(UNIT_SRCS:tests/unit/%.c=tests/%)
TEST_PROGS += $(UNIT_PROGS)

$(BUILD)/tests/%: $(BUILD)/san/tests/unit/%.o $$(SAN_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(SANFLAGS) -o $@ $^ -lcmocka $(LDLIBS)
include tests/testvm.mk
