# The emulated KVM test machine (scripts/testvm) and the programs that the
# tests under tests/testvm/ run inside it.
$(BUILD)/testvm/initramfs.cpio.gz: scripts/mktestvm scripts/testvm-init $(BUILD)/guest/vmlinuz
	@mkdir -p $(dir $@)
	scripts/mktestvm
