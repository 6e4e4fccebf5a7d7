# --pci64: RAM fits the 39-bit aperture but the 32 GiB PCI window after it
# does not; fixes: less RAM, or a smaller window.
"$IOAS" check --groups 1 --ram 500G --machine q35 --pci64 --sysfs "$IOAS_SRCDIR/examples/hosts/intel"
