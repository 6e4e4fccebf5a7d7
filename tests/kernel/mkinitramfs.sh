#!/bin/sh
# mkinitramfs.sh OUT.cpio.gz INIT IOAS BUSYBOX [MODDIR MODULE...]
#   INIT:    the guest's /init (guest-init.sh)
#   IOAS:    a static ioas binary for the guest's architecture
#   BUSYBOX: a static busybox for the guest's architecture
#   MODDIR:  lib/modules/<version> of an extracted linux-image deb; the named
#            modules and their dependencies (from each module's .modinfo
#            depends=) are decompressed into the image, in load order.
# Adapted from the project harness (shared/harness/qemu-x86/mkinitramfs.sh).
set -eu
OUT=$1; INIT=$2; IOAS=$3; BB=$4; shift 4
MD=${1:-}; [ $# -gt 0 ] && shift
R=$(mktemp -d)
trap 'rm -rf "$R"' EXIT
mkdir -p "$R/bin" "$R/lib/modules" "$R/proc" "$R/sys" "$R/dev" "$R/tmp"
cp "$BB" "$R/bin/busybox"
cp "$INIT" "$R/init"; chmod 755 "$R/init"
cp "$IOAS" "$R/ioas"; chmod 755 "$R/ioas"
# KDIFF_SCENARIOS: scenario files the guest runs instead of generating
if [ -n "${KDIFF_SCENARIOS:-}" ]; then
	mkdir -p "$R/scn-extra"
	cp "$KDIFF_SCENARIOS"/*.scn "$R/scn-extra/"
fi
if [ -n "$MD" ]; then
	: > "$R/modules.order"
	find "$MD/kernel" -name '*.ko*' > "$R/.all"
	path_of() {
		n=$(echo "$1" | tr - _)
		grep -E "/($n|$(echo "$n" | tr _ -))\.ko(\.xz|\.zst|\.gz)?$" "$R/.all" | head -n1
	}
	add() { # depth first: dependencies before the module
		local n p deps d
		n=$(echo "$1" | tr - _)
		grep -qx "$n" "$R/modules.order" && return 0
		p=$(path_of "$n")
		[ -n "$p" ] || { echo "mkinitramfs: no module $n" >&2; return 0; }
		case "$p" in
		*.xz) xz -dc "$p" > "$R/lib/modules/$n.ko";;
		*.zst) zstd -qdc "$p" > "$R/lib/modules/$n.ko";;
		*.gz) gzip -dc "$p" > "$R/lib/modules/$n.ko";;
		*) cp "$p" "$R/lib/modules/$n.ko";;
		esac
		# .modinfo is NUL-separated key=value strings; reading them
		# straight from the file works for any architecture (the host's
		# objcopy may not know an arm64 ELF)
		deps=$(tr '\0' '\n' < "$R/lib/modules/$n.ko" | sed -n 's/^depends=//p' |
			head -n1 | tr , ' ')
		for d in $deps; do add "$d"; done
		echo "$n" >> "$R/modules.order"
	}
	for m in "$@"; do add "$m"; done
	rm -f "$R/.all"
fi
(cd "$R" && find . | cpio -o -H newc --quiet | gzip -1) > "$OUT"
