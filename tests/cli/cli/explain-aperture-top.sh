# A range straddling the top of a 39-bit VT-d aperture: the part above it is named.
"$IOAS" explain 0x7ffffff000+0x2000 --sysfs "$IOAS_SRCDIR/examples/hosts/intel" --groups 1
