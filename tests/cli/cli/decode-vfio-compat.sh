# iommufd's VFIO compatibility layer (kernel-spec §5.12): DMA_AVAIL first, no MIGRATION.
"$IOAS" decode "$IOAS_SRCDIR/tests/fixtures/cap/good/vfio-compat-iommufd.bin"
