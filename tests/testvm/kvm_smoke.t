#!/bin/sh
# The first test inside the emulated KVM test machine: a real-mode guest's
# port writes, checked exit by exit (tests/testvm/kvm_smoke.c).
exec "$(dirname "$0")/../../build/tests/kvm_smoke"
