#!/bin/sh
# Wall times on a shared, noisy machine: N interleaved runs of ioas and of
# the Linux peer (ioas, linux, ioas, linux, ...), then the minimum and the
# median ns/op of each, and the ratio of the medians. The figures in
# doc/performance.md come from this.
#
#   bench/interleave.sh BUILDDIR [N [TRACE...]]
#
# N defaults to 7; TRACE names default to the single-stream traces. The
# traces and the peer must exist (make bench builds both). The peer is
# skipped on w2-frag after 2 runs (about 10 s each).
set -u
build=${1:?usage: bench/interleave.sh BUILDDIR [N [TRACE...]]}
n=${2:-7}
[ $# -ge 2 ] && shift 2 || shift $#
traces=${*:-w5-tiny w3-ring w1-steady-dma32 w1-steady-dma48 w4-exhaust w2-frag}
replay="$build/bench/iova-replay"
peer="$build/peer/kiova-replay"
[ -x "$replay" ] || { echo "interleave: $replay not built" >&2; exit 1; }
[ -x "$peer" ] || peer=""
for t in $traces; do
	[ -f "$build/traces/$t.trace" ] ||
		{ echo "interleave: no $build/traces/$t.trace" >&2; exit 1; }
done

ns() { sed -n 's/.* ns_per_op=\([^ ]*\).*/\1/p'; }

i=0
while [ "$i" -lt "$n" ]; do
	i=$((i + 1))
	for t in $traces; do
		f="$build/traces/$t.trace"
		echo "$t ioas $("$replay" "$f" | ns)"
		if [ -n "$peer" ] && { [ "$t" != w2-frag ] || [ "$i" -le 2 ]; }; then
			echo "$t linux $("$peer" fast "$f" | ns)"
		fi
	done
done | python3 -c '
import collections, statistics, sys
d = collections.defaultdict(list)
order = []
for line in sys.stdin:
    t, impl, x = line.split()
    if t not in order:
        order.append(t)
    d[(t, impl)].append(float(x))
for t in order:
    a, b = d[(t, "ioas")], d.get((t, "linux"))
    s = "%-16s ioas min %8.1f med %8.1f" % (t, min(a), statistics.median(a))
    if b:
        s += " | linux min %9.1f med %9.1f | ratio 1/%.1f (%d runs)" % (
            min(b), statistics.median(b),
            statistics.median(b) / statistics.median(a), len(b))
    print(s)
'
