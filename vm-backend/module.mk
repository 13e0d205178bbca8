# vm-backend/: isovm, the minimal KVM monitor. Every file but main.c is
# library code (linked into unit tests, sanitized). isovm links only what
# it uses, with --as-needed, so the monitor maps no unused libraries (its
# own memory is a measured figure).
VM_SRCS := $(filter-out vm-backend/main.c,$(sort $(wildcard vm-backend/*.c)))
LIB_SRCS += $(VM_SRCS)
PROGRAMS += isovm

ISOVM_OBJS := $(BUILD)/obj/vm-backend/main.o $(VM_SRCS:%.c=$(BUILD)/obj/%.o) \
              $(BUILD)/obj/harness/port_reader.o $(COMMON_SRCS:%.c=$(BUILD)/obj/%.o)
ISOVM_LDLIBS := -lpthread
$(BUILD)/isovm: $$(ISOVM_OBJS)
	$(CC) -Wl,--as-needed -o $@ $^ $(ISOVM_LDLIBS)

# The bench-vm benchmark (not a test): isovm vs qemu -M microvm, same
# kernel and image, inside the test machine when this host has no KVM.
.PHONY: bench-vm
bench-vm: $(BUILD)/isovm
	scripts/bench-vm
