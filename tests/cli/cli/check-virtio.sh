# virtio-iommu (PROBE-reported x86 MSI range, 64-bit input range): fits.
"$IOAS" check --groups 2 --ram 64G --machine q35 --sysfs "$IOAS_SRCDIR/examples/hosts/virtio"
