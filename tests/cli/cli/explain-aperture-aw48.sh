# The same range under a 48-bit aperture is free.
"$IOAS" explain 0x7ffffff000+0x2000 --sysfs "$IOAS_SRCDIR/examples/hosts/intel-aw48" --groups 1
