# A short answer as JSON: complete false, needed 120.
"$IOAS" decode --json "$IOAS_SRCDIR/tests/fixtures/cap/good/vfio-short-24.bin"
