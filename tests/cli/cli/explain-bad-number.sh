# A range that is not a number: exit 2, naming the argument.
"$IOAS" explain 0xzz --sysfs "$IOAS_SRCDIR/examples/hosts/intel"
