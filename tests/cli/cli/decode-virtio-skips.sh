# An unknown property, reserved type bits and an unknown subtype; junk after NONE is not read.
"$IOAS" decode --format virtio-probe "$IOAS_SRCDIR/tests/fixtures/cap/good/virtio-skips.bin"
