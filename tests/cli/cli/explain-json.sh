# JSON for two groups together over the MSI range.
"$IOAS" explain 0xfee00000 --sysfs "$IOAS_SRCDIR/examples/hosts/intel" --groups 1,5 --json
