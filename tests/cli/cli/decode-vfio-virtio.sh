# deb-virtio-tcg.out: 64-bit aperture, every page size from 4K.
"$IOAS" decode "$IOAS_SRCDIR/tests/fixtures/cap/good/vfio-virtio.bin"
