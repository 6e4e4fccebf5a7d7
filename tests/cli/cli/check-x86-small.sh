# A small x86 guest fits; group 5's relaxable floppy region under RAM is a
# note, not a conflict.
"$IOAS" check --groups 1,5 --ram 2G --machine q35 --sysfs "$IOAS_SRCDIR/examples/hosts/intel"
