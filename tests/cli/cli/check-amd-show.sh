# The AMD example host (examples/hosts/amd): every group has the x86 MSI
# range and the HyperTransport hole, and a 64-bit aperture.
"$IOAS" show --sysfs "$IOAS_SRCDIR/examples/hosts/amd"
