# Caps in another order: the chain is followed by next.
"$IOAS" decode "$IOAS_SRCDIR/tests/fixtures/cap/good/vfio-reordered.bin"
