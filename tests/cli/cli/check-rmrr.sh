# A group with a direct RMRR cannot be attached at all: the layout is not
# checked, and the fix is to leave the group out.
"$IOAS" check --groups 1 --ram 8G --machine q35 --sysfs "$IOAS_SRCDIR/examples/hosts/intel-rmrr"
