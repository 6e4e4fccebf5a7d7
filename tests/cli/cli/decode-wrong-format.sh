# A blob decoded as another format is malformed for that format.
cp "$IOAS_SRCDIR/tests/fixtures/cap/good/vfio-intel-aw39.bin" v.bin
"$IOAS" decode --format iommufd-ranges v.bin
