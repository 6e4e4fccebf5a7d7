# The attach conflict as JSON.
"$IOAS" check --groups 4,1 --ram 8G --machine q35 --sysfs "$IOAS_SRCDIR/examples/hosts/intel-rmrr" --json
