# A direct-relaxable RMRR does not stop a map over it.
"$IOAS" explain 0x40000000+16M --sysfs "$IOAS_SRCDIR/examples/hosts/intel-rmrr" --groups 4
