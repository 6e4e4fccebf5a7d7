#!/bin/sh
# make demo: show this host's IOMMU layout; on a host without IOMMU groups
# (or whose sysfs cannot be read), show two example hosts as well, and
# what explain and check say on them.
# usage: sh scripts/demo.sh PATH_TO_IOAS
set -u
ioas=${1:?usage: demo.sh PATH_TO_IOAS}
here=$(cd "$(dirname "$0")/.." && pwd)
sysfs=${IOAS_SYSFS_ROOT:-/sys}

echo "== this host ($sysfs) =="
if "$ioas" show --sysfs "$sysfs" &&
   [ -n "$(ls "$sysfs/kernel/iommu_groups" 2>/dev/null)" ]; then
	exit 0
fi

echo
echo "== example host (rebuilt from a real Linux 6.12 capture): intel-rmrr =="
"$ioas" show --sysfs "$here/examples/hosts/intel-rmrr" || exit $?
echo
echo "== example host (rebuilt from QEMU's arm64 DTB and Linux 6.12's rules; see its README): arm64-smmuv3 =="
"$ioas" show --sysfs "$here/examples/hosts/arm64-smmuv3" || exit $?
echo
echo "== ioas explain: the x86 interrupt range, on the intel-rmrr host's group 4 =="
"$ioas" explain 0xfee00000 --sysfs "$here/examples/hosts/intel-rmrr" --groups 4
[ $? -le 1 ] || exit 2
echo
echo "== ioas check: a 2 TiB q35 guest on an AMD host with an Intel vCPU (the HyperTransport hole) =="
"$ioas" check --sysfs "$here/examples/hosts/amd" --groups 1 --ram 2T --machine q35 --cpu-vendor intel
[ $? -le 1 ] || exit 2
echo
echo "More in examples/hosts/ (README.md says where each comes from); try:"
echo "  $ioas show --json --sysfs examples/hosts/virtio"
echo "  $ioas check --sysfs examples/hosts/intel --groups 1 --ram 1T --machine q35"
