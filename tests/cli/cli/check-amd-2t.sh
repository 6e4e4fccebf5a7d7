# A 2 TiB q35 guest on an AMD host: the vCPU vendor is detected (AMD-Vi),
# so QEMU moves above-4G RAM to 1 TiB, past the HyperTransport hole: fits.
"$IOAS" check --groups 1 --ram 2T --machine q35 --sysfs "$IOAS_SRCDIR/examples/hosts/amd"
