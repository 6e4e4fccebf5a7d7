# The same guest behind a 48-bit VT-d unit fits.
"$IOAS" check --groups 1 --ram 1T --machine q35 --sysfs "$IOAS_SRCDIR/examples/hosts/intel-aw48"
