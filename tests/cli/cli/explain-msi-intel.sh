# The x86 MSI range on every group of the Intel host, each group alone: EINVAL under type1 and iommufd.
"$IOAS" explain 0xfee00000 --sysfs "$IOAS_SRCDIR/examples/hosts/intel"
