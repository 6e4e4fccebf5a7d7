# A size that is not a number.
"$IOAS" explain 0x1000+4Q --sysfs "$IOAS_SRCDIR/examples/hosts/intel"
