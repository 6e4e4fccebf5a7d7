#!/bin/sh
# make bench: generate the IOVATRACE v1 workloads and replay them all.
#
#   bench/run.sh BUILDDIR
#
# Traces come from ../shared/peers/gen_traces.py (seed 1, scale 1; override
# with GEN_ARGS) into BUILDDIR/traces. Every trace is replayed by
# BUILDDIR/bench/iova-replay (impl=ioas: per-thread caches + the shared
# tree) and, if the Linux peer can be built (bench/peer/build.sh: the
# kernel's own iova.c from Debian's linux-source-6.12, compiled in a
# temporary directory, never copied here), by the peer in the same run.
# w3mt-2 is replayed with 2 threads and with 1, for the scaling figure.
# BENCH_CALLGRIND=1 also prints Ir/op (valgrind --tool=callgrind
# --toggle-collect=replay_stream) for each trace and for the harness alone.
# A violation (bad result, or a failure under "require nofail") makes the
# script exit non-zero.
set -u
build=${1:?usage: bench/run.sh BUILDDIR}
src=$(cd "$(dirname "$0")/.." && pwd)
gen="$src/../shared/peers/gen_traces.py"
traces="$build/traces"
replay="$build/bench/iova-replay"
status=0

if [ ! -x "$replay" ]; then
	echo "bench: $replay not built" >&2
	exit 1
fi
if [ ! -f "$gen" ]; then
	echo "bench: $gen not found (shared/ must be beside the repository)" >&2
	exit 1
fi
mkdir -p "$traces"
if [ ! -f "$traces/w5-tiny.trace" ] || [ -n "${GEN_ARGS:-}" ]; then
	# shellcheck disable=SC2086
	python3 "$gen" --out "$traces" ${GEN_ARGS:-} >/dev/null || exit 1
fi

peer=""
if [ -z "${BENCH_NO_PEER:-}" ] && sh "$src/bench/peer/build.sh" "$build/peer" >/dev/null 2>&1; then
	peer="$build/peer/kiova-replay"
fi

run() {
	"$@" || status=1
}

ir() { # trace args...: Ir/op of replay_stream
	t=$1
	shift
	out=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null \
		--toggle-collect=replay_stream "$@" "$t" 2>&1)
	refs=$(printf '%s\n' "$out" | sed -n 's/.*I *refs: *//p' | tr -d ,)
	ops=$(printf '%s\n' "$out" | sed -n 's/.* ops=\([0-9]*\).*/\1/p' | head -1)
	[ -n "$refs" ] && [ -n "$ops" ] &&
		echo "callgrind trace=$(basename "$t" .trace) $* ir_per_op=$(echo "$refs $ops" | awk '{printf "%.1f", $1/$2}')"
}

for name in w5-tiny w3-ring w1-steady-dma32 w1-steady-dma48 w2-frag \
	    w4-exhaust w3mt-1 w3mt-2 w3mt-4; do
	t="$traces/$name.trace"
	[ -f "$t" ] || continue
	run "$replay" "$t"
	if [ "$name" = w3mt-2 ]; then
		run "$replay" --threads 1 "$t"
	fi
	if [ -n "$peer" ]; then
		"$peer" fast "$t"
		[ "$name" = w3mt-2 ] && "$peer" fast --threads 1 "$t"
	fi
done

# Automatic maps in a native space: the free-IOVA index against the hole
# walk it replaced (the walk is quadratic: keep N moderate).
"$(dirname "$replay")/space-auto" 20000 || status=1

if [ -n "${BENCH_CALLGRIND:-}" ] && command -v valgrind >/dev/null; then
	for name in w5-tiny w3-ring w1-steady-dma32 w4-exhaust w2-frag; do
		t="$traces/$name.trace"
		[ -f "$t" ] || continue
		ir "$t" "$replay"
		ir "$t" "$replay" --null
		[ -n "$peer" ] && ir "$t" "$peer" fast
	done
fi
exit $status
