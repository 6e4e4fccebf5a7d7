#!/bin/sh
# Build the Linux peer (kiova-replay) into OUTDIR, from Debian's
# linux-source-6.12, in a temporary directory. Nothing from the kernel is
# ever copied into this repository (GPL-2.0 code stays outside our tree):
# only our shim (kshim.h, kshim.c) and our harness (../iova-replay.c built
# with -DKPEER) live here.
#
#   bench/peer/build.sh OUTDIR
#
# The kernel source is looked for, in order: $KSRC (a tree with
# drivers/iommu/iova.c, include/linux/iova.h, tools/lib/rbtree.c,
# tools/include/linux/rbtree*.h), a linux-source-6.12*.deb in $KDEB_DIR
# (default /work/ksrc) or the current directory, or one fetched with
# 'apt-get download linux-source-6.12'. Exits non-zero (and the benchmark
# runs without the peer) when none can be had.
set -eu
out=${1:?usage: build.sh OUTDIR}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
[ -x "$out/kiova-replay" ] && [ "$out/kiova-replay" -nt "$src/bench/iova-replay.c" ] &&
	[ "$out/kiova-replay" -nt "$here/kshim.h" ] && exit 0

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
files="drivers/iommu/iova.c include/linux/iova.h tools/lib/rbtree.c
       tools/include/linux/rbtree.h tools/include/linux/rbtree_augmented.h"

k=""
if [ -n "${KSRC:-}" ] && [ -f "$KSRC/tools/lib/rbtree.c" ]; then
	k=$KSRC
else
	deb=$(ls "${KDEB_DIR:-/work/ksrc}"/linux-source-6.12*.deb ./linux-source-6.12*.deb 2>/dev/null | head -1 || true)
	if [ -z "$deb" ]; then
		(cd "$tmp" && apt-get download linux-source-6.12 >/dev/null 2>&1) || true
		deb=$(ls "$tmp"/linux-source-6.12*.deb 2>/dev/null | head -1 || true)
	fi
	[ -n "$deb" ] || { echo "peer: no linux-source-6.12 package" >&2; exit 1; }
	dpkg-deb --fsys-tarfile "$deb" |
		tar -x -C "$tmp" ./usr/src/linux-source-6.12.tar.xz
	members=""
	for f in $files; do members="$members linux-source-6.12/$f"; done
	# shellcheck disable=SC2086
	xz -dc "$tmp/usr/src/linux-source-6.12.tar.xz" | tar -x -C "$tmp" $members
	rm -f "$tmp/usr/src/linux-source-6.12.tar.xz"
	k="$tmp/linux-source-6.12"
fi

inc="$tmp/inc/linux"
mkdir -p "$inc"
for h in types kernel slab smp cpu workqueue module kmemleak bitops \
	 dma-mapping export compiler stddef; do
	printf '#include "%s/kshim.h"\n' "$here" >"$inc/$h.h"
done
cp "$k/include/linux/iova.h" "$inc/iova.h"
cp "$k/tools/include/linux/rbtree.h" "$inc/rbtree.h"
cp "$k/tools/include/linux/rbtree_augmented.h" "$inc/rbtree_augmented.h"

cc=${CC:-gcc}
flags="-O2 -g -fno-strict-aliasing -pthread -D_GNU_SOURCE -w -I$tmp/inc"
$cc $flags -c "$k/drivers/iommu/iova.c" -o "$tmp/iova.o"
$cc $flags -c "$k/tools/lib/rbtree.c" -o "$tmp/rbtree.o"
$cc $flags -c "$here/kshim.c" -o "$tmp/kshim.o"
$cc $flags -Wall -DKPEER -I"$src/lib" -c "$src/bench/iova-replay.c" -o "$tmp/replay.o"
$cc $flags -I"$src/lib" -c "$src/lib/itree.c" -o "$tmp/itree.o"
$cc -pthread -o "$out/kiova-replay" "$tmp/replay.o" "$tmp/iova.o" \
	"$tmp/rbtree.o" "$tmp/kshim.o" "$tmp/itree.o"
echo "peer: built $out/kiova-replay"
