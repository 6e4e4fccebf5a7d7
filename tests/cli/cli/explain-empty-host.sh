# A host with no IOMMU group: nothing to map into (exit 1).
mkdir -p sys/kernel/iommu_groups
"$IOAS" explain 0x1000 --sysfs sys
