# Without --sysfs the host comes from IOAS_SYSFS_ROOT.
IOAS_SYSFS_ROOT="$IOAS_SRCDIR/examples/hosts/arm64-smmuv3" "$IOAS" explain 0x8100000 --groups 1
