# A group with a direct RMRR cannot be attached at all: the attach ioctls fail with EINVAL.
"$IOAS" explain 0x50000000 --sysfs "$IOAS_SRCDIR/examples/hosts/intel-rmrr" --groups 1
