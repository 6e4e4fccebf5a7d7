# QEMU arm virt puts RAM at 1 GiB, clear of the SMMU's MSI window: fits.
"$IOAS" check --groups 1,4 --ram 4G --machine virt --sysfs "$IOAS_SRCDIR/examples/hosts/arm64-smmuv3"
