#!/bin/sh
# bench ab's fast paths through the real binary: bad revisions and missing
# options exit 2 with one line; a build that fails exits 2 and leaves no
# worktree and no temporary directory behind. (The full HEAD-vs-HEAD run
# builds the tree twice: `make ab-selftest`, not part of `make test`.)
. "$(dirname "$0")/../lib/tap.sh"
bench="$top/build/bench"

one_line_2() { # status stderr-file
	[ "$1" = 2 ] && [ "$(wc -l <"$2")" = 1 ]
}

worktrees() {
	git -C "$top" worktree list --porcelain | grep -c '^worktree '
}

echo "1..6"
"$bench" ab --base HEAD >/dev/null 2>"$tmp/err"
one_line_2 $? "$tmp/err"
ok $? "missing --head"
"$bench" ab --base no-such-rev-xyz --head HEAD >/dev/null 2>"$tmp/err"
one_line_2 $? "$tmp/err" && grep -q "not a commit" "$tmp/err"
ok $? "unknown revision"
"$bench" ab --base --all --head HEAD >/dev/null 2>"$tmp/err"
one_line_2 $? "$tmp/err"
ok $? "a revision that looks like an option"

before=$(worktrees)
TMPDIR="$tmp" "$bench" ab --base HEAD --head HEAD --make-target no-such-target \
	--out "$tmp/out" --backend native >"$tmp/stdout" 2>"$tmp/err"
st=$?
[ $st = 2 ] && tail -n 1 "$tmp/err" | grep -q "build of base failed"
ok $? "a failing build exits 2 and says which side"
[ "$(worktrees)" = "$before" ]
ok $? "no worktree left behind"
[ -z "$(ls "$tmp" | grep isobench-ab)" ] && [ ! -s "$tmp/stdout" ]
ok $? "no temporary directory left, nothing on stdout"
tap_end
