# A type file that is not one word: exit 2.
mkdir -p sys/kernel/iommu_groups/0
printf 'DMA FQ\n' > sys/kernel/iommu_groups/0/type
"$IOAS" show --json --sysfs sys
