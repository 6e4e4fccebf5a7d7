# virtio-iommu PROBE properties: an x86 MSI range as subtype MSI, NONE-terminated.
"$IOAS" decode "$IOAS_SRCDIR/tests/fixtures/cap/good/virtio-x86-msi.bin"
