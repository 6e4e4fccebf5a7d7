# The default 4 KiB size wraps past 2^64 too.
"$IOAS" explain 0xfffffffffffff001 --sysfs "$IOAS_SRCDIR/examples/hosts/intel"
