# Groups 1 and 5 in one container/IOAS: 0-16 MiB is group 5's direct-relaxable floppy region.
"$IOAS" explain 0+16M --sysfs "$IOAS_SRCDIR/examples/hosts/intel" --groups 1,5
