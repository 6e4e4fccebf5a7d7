# The same as JSON.
"$IOAS" decode --json "$IOAS_SRCDIR/tests/fixtures/cap/good/virtio-skips.bin"
