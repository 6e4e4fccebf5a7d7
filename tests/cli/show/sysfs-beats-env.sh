# --sysfs wins over IOAS_SYSFS_ROOT; --sysfs=DIR works too.
mkdir -p sys/kernel/iommu_groups
IOAS_SYSFS_ROOT=/nonexistent "$IOAS" show --sysfs=sys --json
