# An unreadable reserved_regions: exit 3, "permission denied". Root reads
# any mode-0 file, so as root the file is a link to a write-only sysfs
# attribute, which refuses reads even to root.
mkdir -p sys/kernel/iommu_groups/1
echo DMA > sys/kernel/iommu_groups/1/type
f=sys/kernel/iommu_groups/1/reserved_regions
if [ "$(id -u)" = 0 ]; then
	ln -s /sys/bus/platform/uevent "$f"
else
	: > "$f"
	chmod 0 "$f"
fi
"$IOAS" show --sysfs sys
