# An IOMMU_IOAS_IOVA_RANGES answer (iommufd-intel-rmrr-tcg.out, after_attach); format detected.
"$IOAS" decode "$IOAS_SRCDIR/tests/fixtures/cap/good/iommufd-intel-aw39.bin"
