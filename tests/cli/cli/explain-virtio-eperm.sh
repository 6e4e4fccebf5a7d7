# virtio-iommu has no interrupt remapping: the maps succeed only with unsafe interrupts (EPERM otherwise).
"$IOAS" explain 0x40000000+1M --sysfs "$IOAS_SRCDIR/examples/hosts/virtio" --groups 2
