# start-last with start above last.
"$IOAS" explain 0x2000-0x1000 --sysfs "$IOAS_SRCDIR/examples/hosts/intel"
