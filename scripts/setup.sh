#!/bin/sh
# Install what ioas needs to build, test and document itself, from Debian's
# packages only. Idempotent: does nothing (and needs no network) when every
# package is already there. Run as root on a fresh Debian 12.
set -eu

PKGS="make gcc g++ libc6-dev pkg-config python3 meson ninja-build
      libcmocka-dev libjansson-dev libfdt-dev scdoc valgrind clang"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "setup: missing Debian packages:$missing" >&2
	echo "setup: run as root (or: apt-get install$missing)" >&2
	exit 1
fi
echo "setup: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
