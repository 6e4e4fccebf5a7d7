# The same as JSON.
"$IOAS" decode --json "$IOAS_SRCDIR/tests/fixtures/cap/good/vfio-resv-intel-rmrr.bin"
