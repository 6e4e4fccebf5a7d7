# The SMMU software MSI window, given as start-last.
"$IOAS" explain 0x8000000-0x80fffff --sysfs "$IOAS_SRCDIR/examples/hosts/arm64-smmuv3" --groups 4
