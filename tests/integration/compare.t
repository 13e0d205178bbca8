#!/bin/sh
# bench compare through the real binary: exit 0 on equal and improved
# sets, 1 on a planted 20% regression, 2 with one line on stderr for every
# kind of bad input.
. "$(dirname "$0")/../lib/tap.sh"
bench="$top/build/bench"

# samples FROM STEP: ten values FROM, FROM+STEP, ...
samples() {
	awk -v a="$1" -v s="$2" 'BEGIN { for (i = 0; i < 10; i++) printf "%s%g", i ? "," : "", a + i * s }'
}

# set FILE STARTUP_FROM THROUGHPUT_FROM [extra environment JSON members]
set_file() {
	cat >"$1" <<JSON
{ "schema": "isobench-results/1", "run_id": "abcdef", "created": "2026-11-23T19:30:00Z",
  "command": "test", "environment": { "kvm": "emulated", "memory_mib": 1024 $4 },
  "figures": [
    { "backend": "vm", "workload": "ready", "metric": "startup.ready_ms", "unit": "ms",
      "better": "lower", "instances": 1, "samples": [$(samples "$2" 0.5)] },
    { "backend": "ctr", "workload": "net-stream", "metric": "net.stream_tx_gbps",
      "unit": "Gbit/s", "better": "higher", "instances": 1, "samples": [$(samples "$3" 0.05)] },
    { "backend": "ctr", "workload": "ready", "metric": "memory.pss_mib", "unit": "MiB",
      "better": "lower", "instances": 1, "samples": [$(samples 2 0.01)] } ] }
JSON
}

# expect STATUS NAME ARGS...: run bench compare, check status (and for 2,
# exactly one line on stderr naming the problem).
expect() {
	want=$1
	name=$2
	shift 2
	"$bench" compare "$@" >"$tmp/out" 2>"$tmp/err"
	st=$?
	if [ "$want" = 2 ]; then
		[ "$st" = 2 ] && [ "$(wc -l <"$tmp/err")" = 1 ]
	else
		[ "$st" = "$want" ] && [ ! -s "$tmp/err" ]
	fi
	r=$?
	[ $r = 0 ] || { echo "# status $st, stderr:"; sed 's/^/# /' "$tmp/err"; }
	ok $r "$name"
}

mkdir "$tmp/base" "$tmp/head"
set_file "$tmp/base/results.json" 100 9
set_file "$tmp/same.json" 100 9
set_file "$tmp/slow.json" 120 9
set_file "$tmp/fast.json" 80 11
set_file "$tmp/slownet.json" 100 7.2

echo "1..16"
expect 0 "identical sets pass" "$tmp/base" "$tmp/same.json"
grep -q '^### isobench: no performance regression' "$tmp/out"
ok $? "the verdict line says so"
sed 's#"command": "test",#"command": "test", "skipped": [ { "backend": "crun", "workload": "net-rr", "reason": "no veth" } ],#' \
	"$tmp/same.json" >"$tmp/skip.json"
expect 0 "a set that skipped something still compares" "$tmp/base" "$tmp/skip.json"
grep -q 'Skipped in HEAD: crun/net-rr (no veth)\.$' "$tmp/out"
ok $? "what HEAD skipped is named (not gated)"
expect 1 "planted 20% slower startup is a regression" "$tmp/base" "$tmp/slow.json"
grep -q '| startup.ready_ms | vm | ready | .* | \*\*REGRESSION\*\* |' "$tmp/out"
ok $? "the table names the regressed figure"
expect 1 "planted 20% throughput loss (higher is better) is a regression" \
	"$tmp/base" "$tmp/slownet.json"
expect 0 "an improvement is not a regression" "$tmp/base" "$tmp/fast.json"
grep -q '| improvement |' "$tmp/out"
ok $? "and is reported as one"

expect 2 "missing file" "$tmp/base" "$tmp/absent.json"
printf '{ "schema": "isobench-results/1", ' >"$tmp/trunc.json"
expect 2 "truncated JSON" "$tmp/base" "$tmp/trunc.json"
sed 's#isobench-results/1#isobench-results/9#' "$tmp/same.json" >"$tmp/schema.json"
expect 2 "unknown schema" "$tmp/schema.json" "$tmp/base"
set_file "$tmp/neg.json" -5 9
expect 2 "negative startup time" "$tmp/base" "$tmp/neg.json"
grep -q 'impossible' "$tmp/err"
ok $? "the message says why"
sed 's/"samples": \[2,/"samples": [4096,/' "$tmp/same.json" >"$tmp/pss.json"
expect 2 "PSS above the machine's memory" "$tmp/base" "$tmp/pss.json"
"$bench" compare "$tmp/base" >/dev/null 2>&1
[ $? = 2 ]
ok $? "one argument is a usage error"
tap_end
