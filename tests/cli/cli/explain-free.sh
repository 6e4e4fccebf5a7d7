# A free range in one group: both maps would succeed (exit 0).
"$IOAS" explain 0x100000+2M --sysfs "$IOAS_SRCDIR/examples/hosts/intel" --groups 1
