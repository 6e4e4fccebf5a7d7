# The same as JSON, read from standard input.
printf '0x0+4G ram\n0x8000000000+16G pci-bars\n' |
"$IOAS" check --groups 1 --layout - --sysfs "$IOAS_SRCDIR/examples/hosts/arm64-smmuv3" --json
