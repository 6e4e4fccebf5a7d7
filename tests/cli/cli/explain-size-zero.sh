# A zero size.
"$IOAS" explain 0x1000+0 --sysfs "$IOAS_SRCDIR/examples/hosts/intel"
