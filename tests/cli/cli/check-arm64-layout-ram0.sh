# A layout with RAM at 0 collides with the SMMU's software MSI window at
# 128 MiB; the fixes: the first base where 4 GiB fits (where virt puts RAM),
# or 128 MiB at 0.
printf '# a guest with RAM at 0\n0x0+4G ram\n' >ram0.layout
"$IOAS" check --groups 1 --layout ram0.layout --sysfs "$IOAS_SRCDIR/examples/hosts/arm64-smmuv3"
