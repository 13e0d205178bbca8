# Sourced by the shell tests (tests/*/*.t) for what they all need:
#   top       the repository
#   tmp       a scratch directory, removed at exit after tap_cleanup
#   ok STATUS DESCRIPTION
#             TAP's "ok N - ..." when STATUS is 0; otherwise "not ok N - ...",
#             repeated on stderr with what tap_diag prints (prove shows
#             stderr without -v)
#   tap_end   exits 1 when any test failed, 0 otherwise
#   need FILE...
#             fails the whole test ("Bail out!") unless every FILE exists:
#             `make test` builds them all first, so a missing one is a fault,
#             never a reason to skip
# A test redefines tap_cleanup (its own objects) and tap_diag (context for a
# failure, as "# ..." lines) after sourcing this file.
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
tap_n=0
tap_fails=0

tap_cleanup() { :; }
tap_diag() { :; }
trap 'tap_cleanup; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

ok() {
	tap_n=$((tap_n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		# prove shows stderr without -v: a CI log names what failed.
		echo "# not ok $tap_n - $2" >&2
		tap_fails=$((tap_fails + 1))
		tap_diag >&2
	fi
}

# diag_file LABEL FILE: FILE's lines as TAP comments, when it has any.
diag_file() {
	[ -s "$2" ] && sed "s/^/# $1: /" "$2"
	return 0
}

need() {
	for f; do
		[ -e "$f" ] && continue
		echo "Bail out! missing $f (make test builds or installs it)"
		exit 1
	done
}

tap_end() {
	exit $((tap_fails > 0))
}
