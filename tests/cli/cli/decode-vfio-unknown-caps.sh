# An unknown id and a known id of an unknown version: shown, skipped.
"$IOAS" decode "$IOAS_SRCDIR/tests/fixtures/cap/good/vfio-unknown-caps.bin"
