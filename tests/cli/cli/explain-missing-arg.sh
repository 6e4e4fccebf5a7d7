# No range at all.
"$IOAS" explain --sysfs "$IOAS_SRCDIR/examples/hosts/intel"
