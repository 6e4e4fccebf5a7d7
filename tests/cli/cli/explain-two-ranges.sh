# Two ranges.
"$IOAS" explain 0x1000 0x2000 --sysfs "$IOAS_SRCDIR/examples/hosts/intel"
