# A group the host does not have.
"$IOAS" explain 0x1000 --sysfs "$IOAS_SRCDIR/examples/hosts/intel" --groups 1,9
