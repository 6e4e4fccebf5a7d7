# The same with --json: {"groups":[]} and a note.
mkdir -p sys/kernel/iommu_groups
"$IOAS" show --json --sysfs sys
