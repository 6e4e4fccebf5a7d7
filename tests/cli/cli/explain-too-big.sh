# A number that does not fit in 64 bits.
"$IOAS" explain 0x10000000000000000 --sysfs "$IOAS_SRCDIR/examples/hosts/intel"
