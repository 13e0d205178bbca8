# Sourced by tests and benchmarks (sh): run ids and owner records as
# harness/runid.h defines them, for scripts that make kernel objects of
# their own (namespaces, links) named with a run id.
#   runid_new          prints a fresh run id (6 hex digits)
#   runid_own RID      records this shell as RID's owner in
#                      RUNID_STATE_ROOT/RID/owner.pid ("<pid> <starttime>"):
#                      a sweep by any other run leaves RID alone while this
#                      shell lives, and removes its objects once it is gone
#   runid_release RID  removes RID's state directory
RUNID_STATE_ROOT=/run/isobench

runid_new() {
	od -An -N3 -tx1 /dev/urandom | tr -d ' \n'
}

runid_own() {
	# Field 22 of /proc/<pid>/stat (proc(5)) is the start time; fields after
	# the command name start behind its closing parenthesis, at field 3.
	mkdir -p "$RUNID_STATE_ROOT/$1" && chmod 700 "$RUNID_STATE_ROOT/$1" &&
		echo "$$ $(sed 's/.*) //' /proc/$$/stat | cut -d' ' -f20)" \
			>"$RUNID_STATE_ROOT/$1/owner.pid"
}

runid_release() {
	rm -rf "${RUNID_STATE_ROOT:?}/$1"
}
