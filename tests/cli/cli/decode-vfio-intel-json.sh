# The same answer as JSON, format given.
"$IOAS" decode --json --format vfio-info "$IOAS_SRCDIR/tests/fixtures/cap/good/vfio-intel-aw39.bin"
