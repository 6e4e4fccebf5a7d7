# --json does not change a malformed blob's answer: exit 2, nothing on stdout.
cp "$IOAS_SRCDIR/tests/fixtures/cap/bad/virtio-end-below-start.bin" v.bin
"$IOAS" decode --json --format virtio-probe v.bin
