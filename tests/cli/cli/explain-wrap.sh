# A range that wraps past 2^64.
"$IOAS" explain 0xfffffffffffff000+0x2000 --sysfs "$IOAS_SRCDIR/examples/hosts/intel"
