# With another group, that one is checked alone (its relaxable RMRR under
# RAM is a note); group 1 is still a conflict.
"$IOAS" check --groups 1,4 --ram 8G --machine q35 --sysfs "$IOAS_SRCDIR/examples/hosts/intel-rmrr"
