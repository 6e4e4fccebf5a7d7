# arm virt's RAM at 1 GiB on an x86 host runs into the x86 MSI range.
"$IOAS" check --groups 1 --ram 8G --machine virt --sysfs "$IOAS_SRCDIR/examples/hosts/intel"
