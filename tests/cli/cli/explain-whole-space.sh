# All 2^64 bytes: no map call can carry that length.
"$IOAS" explain 0-0xffffffffffffffff --sysfs "$IOAS_SRCDIR/examples/hosts/intel"
