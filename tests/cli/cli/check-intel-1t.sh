# A 1 TiB q35 guest behind a 39-bit VT-d unit: RAM above 512 GiB is outside
# the aperture; the fix is the largest RAM that fits (510 GiB).
"$IOAS" check --groups 1 --ram 1T --machine q35 --sysfs "$IOAS_SRCDIR/examples/hosts/intel"
