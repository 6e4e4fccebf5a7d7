#!/bin/sh
# Golden CLI test runner (zstd tests/cli-tests style), TAP output.
#
#   run.sh SUITE            run tests/cli/SUITE/*.sh
#   IOAS_PRESERVE=1 run.sh SUITE   rewrite the golden files from this run
#
# For each NAME.sh (run with 'sh', cwd = a fresh temp dir, $IOAS = the tool,
# $IOAS_SRCDIR = the source tree, $T = the test's own folder):
#   NAME.stdout.exact  stdout must equal it byte for byte (if present)
#   NAME.stderr.glob   stderr must match this shell glob, where the file's
#                      text is the pattern (if present)
#   NAME.exit          the exit status (default 0)
set -u
suite=${1:?usage: run.sh SUITE}
: "${IOAS:?set IOAS to the ioas binary}"
: "${IOAS_SRCDIR:?set IOAS_SRCDIR to the source tree}"
dir="$IOAS_SRCDIR/tests/cli/$suite"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export IOAS IOAS_SRCDIR

n=0
fail=0
total=$(ls "$dir"/*.sh 2>/dev/null | wc -l)
echo "1..$total"
for t in "$dir"/*.sh; do
	[ -e "$t" ] || continue
	n=$((n + 1))
	name=$(basename "$t" .sh)
	base="$dir/$name"
	work="$tmp/$name"
	mkdir -p "$work"
	(cd "$work" && T="$dir" sh "$t" >"$tmp/$name.out" 2>"$tmp/$name.err")
	rc=$?
	want_rc=0
	[ -f "$base.exit" ] && want_rc=$(cat "$base.exit")
	why=""
	if [ "${IOAS_PRESERVE:-0}" = 1 ]; then
		cp "$tmp/$name.out" "$base.stdout.exact"
		if [ "$rc" != 0 ]; then echo "$rc" >"$base.exit"; else rm -f "$base.exit"; fi
	fi
	if [ "$rc" != "$want_rc" ]; then
		why="exit status $rc, expected $want_rc"
	elif [ -f "$base.stdout.exact" ] && ! cmp -s "$tmp/$name.out" "$base.stdout.exact"; then
		why="stdout differs"
	elif [ -f "$base.stderr.glob" ]; then
		pat=$(cat "$base.stderr.glob")
		err=$(cat "$tmp/$name.err")
		# shellcheck disable=SC2254
		case "$err" in
		$pat) ;;
		*) why="stderr does not match $name.stderr.glob" ;;
		esac
	fi
	if [ -z "$why" ]; then
		echo "ok $n - $suite/$name"
	else
		fail=$((fail + 1))
		echo "not ok $n - $suite/$name: $why"
		if [ "$why" = "stdout differs" ]; then
			diff -u "$base.stdout.exact" "$tmp/$name.out" | head -40 | sed 's/^/# /'
		fi
		sed 's/^/# stderr: /' "$tmp/$name.err" | head -20
	fi
done
[ "$fail" = 0 ]
