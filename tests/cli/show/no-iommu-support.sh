# No kernel/iommu_groups at all: a kernel without IOMMU support. Exit 0.
mkdir -p sys/kernel sys/bus/pci/devices
"$IOAS" show --sysfs sys
