# --sysfs may name an iommu_groups folder itself: groups only, no IOMMU unit
# or PCI details, so the aperture is assumed (64 bits).
"$IOAS" show --sysfs "$IOAS_SRCDIR/examples/hosts/intel-rmrr/kernel/iommu_groups"
