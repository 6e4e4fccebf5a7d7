# The same as JSON.
"$IOAS" decode --json --format iommufd-ranges "$IOAS_SRCDIR/tests/fixtures/cap/good/iommufd-intel-aw39.bin"
