# Text output for the example host rebuilt from a real capture (examples/hosts/README.md).
"$IOAS" show --sysfs "$IOAS_SRCDIR/examples/hosts/intel-aw48"
