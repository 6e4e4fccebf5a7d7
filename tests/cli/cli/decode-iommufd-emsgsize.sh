# The EMSGSIZE answer to a count query: num_iovas 2, no range in the blob.
"$IOAS" decode "$IOAS_SRCDIR/tests/fixtures/cap/good/iommufd-emsgsize.bin" && "$IOAS" decode --json "$IOAS_SRCDIR/tests/fixtures/cap/good/iommufd-emsgsize.bin"
