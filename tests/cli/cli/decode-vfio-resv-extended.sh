# A newer producer's larger RESV_REGIONS header and entries: the v1 fields, tails skipped.
"$IOAS" decode "$IOAS_SRCDIR/tests/fixtures/cap/good/vfio-resv-extended.bin"
