# A fresh IOAS: the whole 64-bit space, alignment 1.
"$IOAS" decode "$IOAS_SRCDIR/tests/fixtures/cap/good/iommufd-fresh.bin"
