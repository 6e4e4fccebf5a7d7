# A --groups list that does not parse.
"$IOAS" explain 0x1000 --sysfs "$IOAS_SRCDIR/examples/hosts/intel" --groups 1,,5
