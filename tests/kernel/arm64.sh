# Sourced by run.sh: the arm64 configurations, qemu-system-aarch64 -M
# virt,iommu=smmuv3 (TCG) with GICv3 + ITS or GICv2 + GICv2m, device tree
# boot, Debian's arm64 6.12 kernel (type1 only: it has no IOMMUFD).
# Adapted from the project harness (shared/harness/qemu-arm64/).
#
# arm64_prepare sets DEB_ARM64, BB_ARM64, IOAS_ARM64 and RD_ARM64, or
# NO_DEB_ARM64 with the reason; arm64_boot CONFIG boots one.
#
# Everything comes from Debian's packages: gcc-aarch64-linux-gnu and
# libc6-dev-arm64-cross (host), and, with dpkg's arm64 architecture added
# (scripts/setup.sh), linux-image-6.12.*-arm64-unsigned:arm64,
# busybox-static:arm64 and libjansson-dev:arm64, downloaded (not installed)
# into the cache.

CROSS_CC=${CROSS_CC:-aarch64-linux-gnu-gcc}

# apt-get download PKG:arm64 into $CACHE/arm64-debs/PKG (once); prints the dir
arm64_deb() {
	d="$CACHE/arm64-debs/$1"
	if [ ! -f "$d/ok" ]; then
		rm -rf "$d"; mkdir -p "$d"
		(cd "$d" && apt-get download -q "$1:arm64" >/dev/null 2>"$d/apt.err") ||
			{ echo "apt-get download $1:arm64 failed: $(head -c 200 "$d/apt.err")" >&2; rm -rf "$d"; return 1; }
		dpkg-deb -x "$d"/*.deb "$d/root" && rm -f "$d"/*.deb && touch "$d/ok"
	fi
	echo "$d"
}

# The guest's ioas: every C file meson compiled into libioas.a,
# libioastool.a and ioas (BUILDDIR/compile_commands.json), cross-compiled
# and linked statically with Debian's arm64 libjansson.a.
arm64_ioas() { # OUT JANSSON_ROOT
	out=$1; jr=$2
	srcs=$(python3 - "$BUILD/compile_commands.json" <<'EOF'
import json, os, sys
seen = []
for e in json.load(open(sys.argv[1])):
    o = e.get('output', '')
    # default_library=both compiles the library once, under libioas.so.*.p
    if not (o.startswith('lib/libioas.') or o.startswith('tool/libioastool.a.p/')
            or o.startswith('tool/ioas.p/')):
        continue
    f = os.path.normpath(os.path.join(e['directory'], e['file']))
    if f not in seen:
        seen.append(f)
print(' '.join(seen))
EOF
)
	[ -n "$srcs" ] || return 1
	src=$(cd "$HERE/../.." && pwd)
	# shellcheck disable=SC2086
	"$CROSS_CC" -static -O2 -std=c11 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 \
		-include "$BUILD/config.h" -I"$src/include" -I"$src/lib" \
		-I"$src/tool" -I"$jr/usr/include" -pthread -o "$out" $srcs \
		"$jr/usr/lib/aarch64-linux-gnu/libjansson.a"
}

arm64_prepare() {
	if ! command -v "$CROSS_CC" >/dev/null 2>&1; then
		NO_DEB_ARM64="$CROSS_CC not found (Debian packages gcc-aarch64-linux-gnu libc6-dev-arm64-cross)"
		return 1
	fi
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		NO_DEB_ARM64="dpkg has no arm64 architecture to download arm64 packages with (scripts/setup.sh adds it)"
		return 1
	fi
	DEB_ARM64=$(debian_kernel arm64 "${KERNEL_DEB_ARM64:-}" 2>"$W/deb64.err") ||
		{ NO_DEB_ARM64="Debian arm64 kernel: $(cat "$W/deb64.err")"; return 1; }
	bb=$(arm64_deb busybox-static 2>"$W/bb64.err") ||
		{ NO_DEB_ARM64="$(cat "$W/bb64.err")"; return 1; }
	BB_ARM64="$bb/root/bin/busybox"
	jr=$(arm64_deb libjansson-dev 2>"$W/j64.err") ||
		{ NO_DEB_ARM64="$(cat "$W/j64.err")"; return 1; }
	IOAS_ARM64="$W/ioas-aarch64"
	arm64_ioas "$IOAS_ARM64" "$jr/root" 2>"$W/ioas64.err" ||
		{ NO_DEB_ARM64="FAIL: cannot cross-build a static arm64 ioas: $(head -c 300 "$W/ioas64.err" | tr '\n' ' ')"; return 1; }
	RD_ARM64="$W/initrd-arm64.cpio.gz"
	md=$(ls -d "$DEB_ARM64"/root/lib/modules/* | head -n1)
	"$HERE/mkinitramfs.sh" "$RD_ARM64" "$HERE/guest-init.sh" "$IOAS_ARM64" \
		"$BB_ARM64" "$md" vfio_iommu_type1 vfio_pci 2>"$W/rd64.err" ||
		{ NO_DEB_ARM64="FAIL: arm64 initramfs: $(cat "$W/rd64.err")"; return 1; }
	return 0
}

arm64_boot() { # CONFIG
	c=$1; gic=3; unsafe=0; irq=1
	case "$c" in
	arm64-gic2-*) gic=2; unsafe=1; irq=0;; # GICv2m does not isolate MSIs
	esac
	# e1000e and pci-testdev on the root bus (each its own group), as in
	# the harness; both are bound to vfio-pci by the guest.
	timeout "$TIMEOUT" qemu-system-aarch64 -M virt,gic-version=$gic,iommu=smmuv3 \
		-cpu max,pauth-impdef=on -smp 1 -m 1G -nodefaults -display none \
		-serial stdio -monitor none -no-reboot \
		-kernel "$DEB_ARM64/vmlinuz" -initrd "$RD_ARM64" \
		-append "console=ttyAMA0 rdinit=/init panic=-1 loglevel=3 acpi=off $BASE ioas.config=$c ioas.profile=type1 ioas.unsafe=$unsafe ioas.irqremap=$irq" \
		-device e1000e -device pci-testdev -device virtio-rng-pci \
		</dev/null >"$OUT/$c.log" 2>&1
	echo "qemu_rc=$?" >>"$OUT/$c.log"
}
