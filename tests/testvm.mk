# The emulated KVM test machine (scripts/testvm) and the programs that the
# tests under tests/testvm/ run inside it.
$(BUILD)/testvm/initramfs.cpio.gz: scripts/mktestvm scripts/testvm-init $(BUILD)/guest/vmlinuz
	@mkdir -p $(dir $@)
	scripts/mktestvm

# Built with ASan+UBSan like the unit tests; run by tests/testvm/kvm_smoke.t.
TESTVM_PROGS := tests/kvm_smoke
all: $(TESTVM_PROGS:%=$(BUILD)/%)
test: $(TESTVM_PROGS:%=$(BUILD)/%)
$(BUILD)/tests/kvm_smoke: $(BUILD)/san/tests/testvm/kvm_smoke.o $(BUILD)/san/vm-backend/kvm_ioctl.o \
                          $(COMMON_SRCS:%.c=$(BUILD)/san/%.o)
	@mkdir -p $(dir $@)
	$(CC) $(SANFLAGS) -o $@ $^
