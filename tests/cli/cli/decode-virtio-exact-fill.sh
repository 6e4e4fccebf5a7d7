# Properties filling the area: no NONE header needed.
"$IOAS" decode "$IOAS_SRCDIR/tests/fixtures/cap/good/virtio-exact-fill.bin"
