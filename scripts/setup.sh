#!/bin/sh
# Install what ioas needs to build, test and document itself, from Debian's
# packages only. Idempotent: does nothing (and needs no network) when every
# package is already there. Run as root on a fresh Debian 12.
set -eu

PKGS="make gcc g++ libc6-dev pkg-config python3 meson ninja-build
      libcmocka-dev libjansson-dev libfdt-dev scdoc valgrind clang
      libpci-dev pci.ids"
# The kernel differential suite (tests/kernel/README.md): QEMU, the guest's
# userland, the iommufd kernel build, the arm64 cross compiler.
PKGS="$PKGS qemu-system-x86 qemu-system-arm busybox-static cpio xz-utils
      zstd bc flex bison libelf-dev libssl-dev binutils util-linux
      gcc-aarch64-linux-gnu libc6-dev-arm64-cross"

# arm64 guest packages (kernel, busybox, libjansson) are downloaded, never
# installed, with 'apt-get download PKG:arm64', which needs dpkg to know
# the architecture.
need_arch=0
dpkg --print-foreign-architectures | grep -qx arm64 || need_arch=1

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && [ $need_arch = 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	[ $need_arch = 1 ] && echo "setup: dpkg lacks the arm64 architecture" >&2
	echo "setup: missing Debian packages:$missing" >&2
	echo "setup: run as root (or: apt-get install$missing)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if [ $need_arch = 1 ]; then
	echo "setup: adding dpkg architecture arm64 (for apt-get download)"
	dpkg --add-architecture arm64
fi
apt-get update -qq
if [ -n "$missing" ]; then
	echo "setup: installing$missing"
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
