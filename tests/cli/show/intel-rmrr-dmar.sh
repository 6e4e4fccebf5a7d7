# The intel-rmrr host with its real DMAR table: RMRR origins read from firmware.
"$IOAS" show --sysfs "$IOAS_SRCDIR/examples/hosts/intel-rmrr-dmar"
