#!/bin/bash
# scripts/testvm, the emulated KVM test machine the VM tests run in: usage
# errors, the command's output and status, and its heartbeat: a machine
# that stays alive longer than the silence limit runs on, one whose
# heartbeat stops is ended as a machine failure (125), which tests/run-test
# runs once more.
. "$(dirname "$0")/../lib/tap.sh"
testvm="$top/scripts/testvm"
EXIT_USAGE=2
EXIT_MACHINE=125

need "$top/build/guest/vmlinuz" "$top/build/testvm/initramfs.cpio.gz"
echo "1..5"
tap_diag() {
	diag_file stdout "$tmp/out"
	diag_file stderr "$tmp/err"
}

"$testvm" >"$tmp/out" 2>"$tmp/err"
[ $? = $EXIT_USAGE ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q 'no COMMAND' "$tmp/err"
ok $? "no command: usage error ($EXIT_USAGE), one line"

"$testvm" --silence 0 -- true >"$tmp/out" 2>"$tmp/err"
[ $? = $EXIT_USAGE ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q -- '--silence' "$tmp/err"
ok $? "--silence 0: usage error ($EXIT_USAGE) naming the option"

# Alive for 45 s of a 30 s silence limit: only the heartbeat keeps it going.
"$testvm" --silence 30 --timeout 600 -- \
	sh -c 'echo out; echo err >&2; sleep 45; exit 7' >"$tmp/out" 2>"$tmp/err"
status=$?
[ $status = 7 ]
ok $? "a command running past the silence limit ends with its own status (7, got $status)"
[ "$(cat "$tmp/out")" = out ] && grep -qx err "$tmp/err"
ok $? "its stdout and stderr come out apart"

# The job stops the heartbeat (a child of the machine's PID 1, running the
# init script) and waits: the host must end the machine long before the
# time limit.
stop_heartbeat='
for d in /proc/[0-9]*; do
	p=${d#/proc/}
	[ "$p" = 1 ] && continue
	grep -qx "PPid:[[:space:]]*1" "$d/status" 2>/dev/null || continue
	tr "\0" " " <"$d/cmdline" | grep -q "testvm/init stage2" &&
		kill -STOP "$p" && echo stopped
done
sleep 1000'
"$testvm" --silence 25 --timeout 600 -- sh -c "$stop_heartbeat" >"$tmp/out" 2>"$tmp/err"
status=$?
[ $status = $EXIT_MACHINE ] && grep -qx stopped "$tmp/out" &&
	grep -q 'machine silent for 25s' "$tmp/err" && [ "$(wc -l <"$tmp/err")" = 1 ]
ok $? "a machine whose heartbeat stopped ends as a machine failure ($EXIT_MACHINE, got $status), one line"

tap_end
