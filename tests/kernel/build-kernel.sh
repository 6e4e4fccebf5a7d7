#!/bin/sh
# build-kernel.sh OUT_BZIMAGE CONFIG_FRAGMENT
#
# Build an x86_64 Linux 6.12 with IOMMUFD and the VFIO cdev from Debian's
# linux-source-6.12 package (Debian's own 6.12 image has CONFIG_IOMMUFD
# unset): `make tinyconfig`, the fragment merged on top, olddefconfig,
# then a check that every option the suite relies on survived Kconfig's
# dependency resolution.
#
# Env: LINUX_SOURCE_DEB  the linux-source-6.12_*_all.deb (default: `apt-get
#                        download linux-source-6.12` into the scratch dir)
#      KBUILD_SCRATCH    scratch dir for the source and objects (default:
#                        mktemp -d; removed afterwards unless given)
#      JOBS              make -j (default: nproc)
# Needs (Debian packages): gcc make flex bison bc libelf-dev libssl-dev
# xz-utils.
set -eu
OUT=$1
FRAG=$2
JOBS=${JOBS:-$(nproc)}
if [ -n "${KBUILD_SCRATCH:-}" ]; then
	S=$KBUILD_SCRATCH; keep=1
else
	S=$(mktemp -d); keep=0
fi
mkdir -p "$S"
cleanup() { [ "$keep" = 1 ] || rm -rf "$S"; }
trap cleanup EXIT
if [ -z "${LINUX_SOURCE_DEB:-}" ]; then
	(cd "$S" && apt-get download -q linux-source-6.12 >/dev/null)
	LINUX_SOURCE_DEB=$(ls "$S"/linux-source-6.12_*_all.deb | head -n1)
fi
K="$S/src/linux-source-6.12"
if [ ! -f "$K/Makefile" ]; then
	mkdir -p "$S/src"
	dpkg-deb --fsys-tarfile "$LINUX_SOURCE_DEB" |
		tar -xO ./usr/src/linux-source-6.12.tar.xz |
		xz -dc -T0 | tar -x -C "$S/src"
fi
O="$S/obj"
mkdir -p "$O"
make -s -C "$K" O="$O" ARCH=x86_64 tinyconfig >/dev/null
"$K/scripts/kconfig/merge_config.sh" -m -O "$O" "$O/.config" "$FRAG" >/dev/null
make -s -C "$K" O="$O" ARCH=x86_64 olddefconfig >/dev/null
missing=0
for o in CONFIG_IOMMUFD CONFIG_VFIO_DEVICE_CDEV CONFIG_VFIO_CONTAINER \
	 CONFIG_VFIO_IOMMU_TYPE1 CONFIG_VFIO_PCI CONFIG_INTEL_IOMMU \
	 CONFIG_IRQ_REMAP CONFIG_VIRTIO_IOMMU CONFIG_ACPI_VIOT \
	 CONFIG_ACPI_TABLE_UPGRADE CONFIG_SERIAL_8250_CONSOLE \
	 CONFIG_BLK_DEV_INITRD CONFIG_DEVTMPFS CONFIG_TRANSPARENT_HUGEPAGE; do
	if ! grep -q "^$o=y" "$O/.config"; then
		echo "build-kernel: $o not set" >&2
		missing=1
	fi
done
[ $missing = 0 ] || exit 1
make -s -C "$K" O="$O" ARCH=x86_64 -j"$JOBS" bzImage >"$S/build.log" 2>&1 ||
	{ tail -n 40 "$S/build.log" >&2; exit 1; }
mkdir -p "$(dirname "$OUT")"
cp "$O/arch/x86/boot/bzImage" "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
