# Sourced by the shell tests of `bench run` after tap.sh:
#   json FILE PERL-EXPR
#             exit 0 when EXPR is true, with $d the decoded result set and
#             fig(backend, workload, metric[, instances]) the figure's
#             samples (an array ref, empty when absent)
#   figures FILE
#             every figure as "# backend/workload metric: samples" lines
#   run_id FILE
#             the run id that `bench run` announced in its output FILE
#   await SECONDS COMMAND [ARGS...]
#             run COMMAND every 0.1 s until it succeeds (status 0) or
#             SECONDS have passed (status 1)
#   leftovers RID
#             prints what run RID left behind (network namespaces, links
#             in this namespace, cgroups, its state directory, mounts, and
#             processes of this tree's programs); prints nothing when clean
json() {
	perl -MJSON::PP -e '
		local $/; open my $f, "<", $ARGV[0] or exit 2; our $d = decode_json(<$f>);
		sub fig { for (@{$d->{figures}}) { return $_->{samples} if $_->{backend} eq $_[0]
			&& $_->{workload} eq $_[1] && $_->{metric} eq $_[2]
			&& $_->{instances} == ($_[3] // 1) } return [] }
		exit(eval($ARGV[1]) ? 0 : 1);' "$1" "$2"
}

figures() {
	perl -MJSON::PP -e '
		local $/; open my $f, "<", $ARGV[0] or exit 0; my $d = decode_json(<$f>);
		printf "# %s/%s %s x%d: %s\n", $_->{backend}, $_->{workload}, $_->{metric},
			$_->{instances}, join(" ", @{$_->{samples}}) for @{$d->{figures}};
		printf "# skipped %s%s: %s\n", $_->{backend},
			$_->{workload} ? "/$_->{workload}" : "", $_->{reason} for @{$d->{skipped}};' "$1"
}

run_id() {
	sed -n 's/^bench: run \([0-9a-f]\{6\}\):.*/\1/p' "$1"
}

await() {
	await_left=$(($1 * 10))
	shift
	until "$@"; do
		[ "$await_left" -gt 0 ] || return 1
		sleep 0.1
		await_left=$((await_left - 1))
	done
}

leftovers() {
	ls /run/netns 2>/dev/null | sed -n "s/^isob-$1-.*/netns &/p"
	ip -o link show 2>/dev/null | sed -n "s/^[0-9]*: \(ib$1[^:@]*\).*/link \1/p"
	find /sys/fs/cgroup -maxdepth 4 -name "$1-*" 2>/dev/null | sed 's/^/cgroup /'
	[ ! -e "/run/isobench/$1" ] || echo "state /run/isobench/$1"
	grep "isob-$1\|/run/isobench/$1" /proc/self/mountinfo | sed 's/^/mount /'
	for p in /proc/[0-9]*; do
		exe=$(readlink "$p/exe" 2>/dev/null) || continue
		case "$exe" in
		"$top"/build/image/rootfs/* | "$top"/build/bench-sink | "$top"/build/isoctr | \
			"$top"/build/isovm)
			echo "process ${p#/proc/} $exe"
			;;
		esac
	done
}
