# kernel/iommu_groups exists but is empty: IOMMU off or absent. Exit 0.
mkdir -p sys/kernel/iommu_groups
"$IOAS" show --sysfs sys
