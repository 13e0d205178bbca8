#!/bin/sh
# isovm boots the Debian cloud kernel with the project's image inside the
# emulated KVM machine: READY and EXIT arrive on --events-fd with the
# startup phases before them, the workload's status is isovm's, more than
# one vCPU comes up (ACPI MADT), a guest that stops without EXIT, hangs or
# gets SIGTERM ends with its documented code, and bad inputs are refused
# with theirs (isovm --help lists them).
. "$(dirname "$0")/../lib/tap.sh"
isovm=$top/build/isovm
kernel=$top/build/guest/vmlinuz
initrd=$top/build/image/initramfs.cpio
check() { # check DESCRIPTION COMMAND...: ok when COMMAND succeeds
	d=$1
	shift
	"$@"
	ok $? "$d"
}

echo "1..25"
need "$isovm" "$kernel" "$initrd"

# Runs "$@" in the background; if it outlives its --timeout by far, prints
# where each of its threads waits (TAP comments) and kills it: a hung
# monitor fails this test instead of hanging the suite.
WATCHDOG_S=400
run_watched() {
	"$@" &
	pid=$!
	(
		sleep "$WATCHDOG_S" &
		nap=$!
		trap 'kill "$nap"; exit 0' TERM
		wait "$nap"
		if kill -0 "$pid" 2>/dev/null; then
			echo "# watchdog: $1 still running after ${WATCHDOG_S}s; its threads:"
			for t in /proc/"$pid"/task/*; do
				echo "#   $(cat "$t/comm") wchan=$(cat "$t/wchan")" \
					"$(head -n 4 "$t/stack" 2>/dev/null | tr '\n' ' ')"
			done
			kill -KILL "$pid"
		fi
	) &
	dog=$!
	wait "$pid"
	got=$?
	kill "$dog" 2>/dev/null
	wait "$dog" 2>/dev/null
	return "$got"
}

# A boot takes ~15 s in a quiet test machine; a loaded one (a shared CI
# runner) can take minutes: the limit is for a guest that is stuck.
BOOT_TIMEOUT_S=300

# boot NAME EXPECTED_STATUS ISOVM_ARGS...: console to $tmp/NAME.con, events
# to $tmp/NAME.ev, status checked.
boot() {
	name=$1
	want=$2
	shift 2
	run_watched "$isovm" --kernel "$kernel" --initrd "$initrd" --console "$tmp/$name.con" \
		--events-fd 3 --timeout "$BOOT_TIMEOUT_S" "$@" 3>"$tmp/$name.ev" 2>"$tmp/$name.err"
	got=$?
	if [ "$got" = "$want" ]; then
		ok 0 "$name: exit status $want"
	else
		ok 1 "$name: exit status $got, expected $want"
		sed 's/^/# /' "$tmp/$name.err" >&2
		tail -n 15 "$tmp/$name.con" | sed 's/^/# console: /' >&2
	fi
}

# Event kinds in order of arrival, one line: "PHASE:vm_created ... READY EXIT:3"
kinds() {
	awk '{ k = $2; if ($2 == "PHASE" || $2 == "EXIT") k = $2 ":" $3; printf "%s%s", sep, k; sep = " " }' "$1"
}

boot ready 0 --cmdline 'console=ttyS0 -- ready'
check "ready: events are the phases, READY, then EXIT 0" \
	test "$(kinds "$tmp/ready.ev")" = "PHASE:vm_created PHASE:kernel_loaded PHASE:vcpu_start READY EXIT:0"
check "ready: event times increase" \
	awk 'NR > 1 && $1 < prev { exit 1 } { prev = $1 }' "$tmp/ready.ev"
check "ready: the kernel got isovm's parameters and the user's" \
	grep -q 'Command line: reboot=t .* console=ttyS0 -- ready' "$tmp/ready.con"
check "ready: the PCI root bridge's windows come from its ACPI _CRS" \
	grep -q 'root bus resource \[mem 0xc0000000-0xfbffffff window\]' "$tmp/ready.con"
check "ready: no ACPI table complaint (checksum, _CRS bus range)" \
	test -z "$(grep -e 'Incorrect checksum' -e 'bus range in _CRS' "$tmp/ready.con")"

boot ready3 3 --cmdline 'console=ttyS0 -- ready 3'
check "ready 3: EXIT 3 event" grep -q ' EXIT 3$' "$tmp/ready3.ev"

boot smp 0 --cpus 2 --cmdline 'console=ttyS0 -- ready'
check "--cpus 2: the guest brings up 2 CPUs" grep -q 'Brought up 1 node, 2 CPUs' "$tmp/smp.con"

# No init in the image under that name: the kernel panics, panic=-1
# reboots it, and isovm reports a guest that stopped without EXIT.
boot noinit 247 --console none --cmdline 'rdinit=/no-such-init init=/no-such-init'
# The user's panic=0 overrides isovm's panic=-1: the guest hangs.
boot timeout 248 --timeout 3 --cmdline 'panic=0 rdinit=/no-such-init init=/no-such-init'
check "timeout: one clear line" grep -q 'still running after 3 s' "$tmp/timeout.err"

# stop NAME FULL ISOVM_ARGS...: isovm with its stdout on a one-page pipe
# that nobody reads and events in $tmp/NAME.ev gets SIGTERM once its guest
# runs (PHASE vcpu_start: isovm has blocked the signal long before) and,
# with FULL=1, once that pipe is full (a vCPU thread is blocked writing
# console output). Prints isovm's exit status, "hung" when it is still
# running 100 s after the signal (it is then killed), or "not ready".
stop() {
	name=$1
	full=$2
	shift 2
	perl -MPOSIX=:sys_wait_h -e '
		my ($ev, $full, @cmd) = @ARGV;
		pipe(my $r, my $w) or die "pipe: $!\n";
		fcntl($w, 1031, 4096) or die "F_SETPIPE_SZ: $!\n";
		my $pid = fork() // die "fork: $!\n";
		if (!$pid) {
			open(STDOUT, ">&", $w) or die "dup: $!\n";
			exec(@cmd) or die "exec: $!\n";
		}
		close($w);
		sub ready {
			open(my $f, "<", $ev) or return 0;
			return 0 unless grep { / PHASE vcpu_start$/ } <$f>;
			return 1 unless $full;
			my $n = pack("L", 0);
			ioctl($r, 0x541B, $n) or return 0; # FIONREAD
			# The console writes lines of at most 512 bytes, each at
			# once (pipe writes up to a page are atomic).
			return unpack("L", $n) > 4096 - 512;
		}
		sub reaped { # wait up to $_[0] seconds
			for (1 .. 5 * $_[0]) {
				return 1 if waitpid($pid, WNOHANG) == $pid;
				select(undef, undef, undef, 0.2);
			}
			return 0;
		}
		my $ok = 0;
		for (1 .. 600) {
			last if ($ok = ready());
			select(undef, undef, undef, 0.2);
		}
		kill("TERM", $pid);
		if (!reaped(100)) {
			kill("KILL", $pid);
			waitpid($pid, 0);
			print "hung\n";
		} else {
			print $ok ? "" : "not ready ", WIFEXITED($?) ? WEXITSTATUS($?) : "signal " . WTERMSIG($?), "\n";
		}' "$tmp/$name.ev" "$full" "$isovm" --kernel "$kernel" --initrd "$initrd" \
		--events-fd 3 --timeout 300 "$@" 3>"$tmp/$name.ev" 2>"$tmp/$name.err"
}
hang='panic=0 rdinit=/no-such-init init=/no-such-init'
got=$(stop term 0 --console none --cmdline "$hang")
check "SIGTERM: exit status 249 (got $got)" test "$got" = 249
# A console reader that stalls must not keep isovm from stopping: the
# vCPU's blocked write is interrupted and given up once a stop is asked.
got=$(stop stalled 1 --cmdline "console=ttyS0 $hang")
check "SIGTERM with a stalled console reader: exit status 249 (got $got)" test "$got" = 249

# Bad inputs: refused before the guest runs, one line each.
bad() { # bad NAME EXPECTED_STATUS ISOVM_ARGS...
	name=$1
	want=$2
	shift 2
	"$isovm" --console none "$@" 2>"$tmp/$name.err"
	got=$?
	lines=$(wc -l <"$tmp/$name.err")
	if [ "$got" = "$want" ] && [ "$lines" = 1 ]; then
		ok 0 "$name: exit $want, one line: $(cat "$tmp/$name.err")"
	else
		ok 1 "$name: exit $got (expected $want), $lines lines"
		sed 's/^/# /' "$tmp/$name.err" >&2
	fi
}
bad not-bzimage 242 --kernel "$initrd" --initrd "$initrd"
bad mem-too-small 245 --kernel "$kernel" --initrd "$initrd" --mem 32
# 100 MiB hold the kernel (it needs ~68) but not a 64 MiB initramfs too.
truncate -s 64M "$tmp/big.cpio"
bad initrd-too-big 244 --kernel "$kernel" --initrd "$tmp/big.cpio" --mem 100
bad missing-initrd 241 --kernel "$kernel" --initrd "$tmp/no-such-initrd"
bad bad-mem 240 --kernel "$kernel" --mem 1
bad bad-tap-fd 240 --kernel "$kernel" --tap-fd 99
bad unknown-option 240 --kernel "$kernel" --no-such-option
bad legacy-without-tap 240 --kernel "$kernel" --virtio-legacy

# --version: one line, the program and its version; --help names every
# option the command line knows.
"$isovm" --version >"$tmp/version.out" 2>&1
got=$?
check "--version: exit 0 (got $got), 'isovm N.N': $(cat "$tmp/version.out")" \
	test "$got" = 0 -a "$(grep -c -E '^isovm [0-9]+\.[0-9]+$' "$tmp/version.out")" = 1 \
	-a "$(wc -l <"$tmp/version.out")" = 1
"$isovm" --help >"$tmp/help.out" 2>&1
got=$?
missing=
for o in kernel initrd cmdline mem cpus hugepages tap tap-fd netns mac virtio-legacy \
	console events-fd timeout verbose help version; do
	grep -q -e "--$o " "$tmp/help.out" || missing="$missing --$o"
done
check "--help: exit 0 (got $got), every option explained (missing:${missing:- none})" \
	test "$got" = 0 -a -z "$missing"
tap_end
