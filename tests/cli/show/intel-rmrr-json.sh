# JSON output for the example host rebuilt from a real capture.
"$IOAS" show --json --sysfs "$IOAS_SRCDIR/examples/hosts/intel-rmrr"
