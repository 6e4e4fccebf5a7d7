# An IOVA that is not page aligned: each profile's own alignment error.
"$IOAS" explain 0x1234 --sysfs "$IOAS_SRCDIR/examples/hosts/intel" --groups 1
