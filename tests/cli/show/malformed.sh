# A malformed reserved_regions line: exit 2 with file, group, line, reason.
mkdir -p sys/kernel/iommu_groups/3/devices/0000:00:03.0
echo DMA > sys/kernel/iommu_groups/3/type
printf '0x00000000fee00000 0x00000000feefffff msi\n0x0000000000002000 0x0000000000001fff reserved\n' \
	> sys/kernel/iommu_groups/3/reserved_regions
"$IOAS" show --sysfs sys
