# The same as JSON: known false.
"$IOAS" decode --json "$IOAS_SRCDIR/tests/fixtures/cap/good/vfio-unknown-caps.bin"
