# The RMRR group after an assignable one: type1 refuses it at VFIO_GROUP_SET_CONTAINER.
"$IOAS" explain 0x40000000+16M --sysfs "$IOAS_SRCDIR/examples/hosts/intel-rmrr" --groups 4,1
