# --live on a host without VFIO (IOAS_DEV_ROOT has no vfio/vfio, no iommu):
# nothing to ask, the output is the computed one alone.
mkdir dev
IOAS_DEV_ROOT=$PWD/dev "$IOAS" show --sysfs "$IOAS_SRCDIR/examples/hosts/intel" --groups 1 --live
