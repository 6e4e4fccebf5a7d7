# The short answers (argsz 24 and 16): success, argsz grown to 120, no chain.
"$IOAS" decode "$IOAS_SRCDIR/tests/fixtures/cap/good/vfio-short-24.bin" && "$IOAS" decode --format=vfio-info "$IOAS_SRCDIR/tests/fixtures/cap/good/vfio-short-16.bin"
