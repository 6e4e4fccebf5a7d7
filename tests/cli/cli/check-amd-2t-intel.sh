# The same guest with an Intel vCPU: QEMU keeps RAM at 4 GiB and it runs
# through the HyperTransport hole; the fixes are QEMU's own relocation
# (an AMD vCPU) and the largest RAM that stays below the hole.
"$IOAS" check --groups 1 --ram 2T --machine q35 --cpu-vendor intel --sysfs "$IOAS_SRCDIR/examples/hosts/amd"
