# Standard input ('-').
"$IOAS" decode - < "$IOAS_SRCDIR/tests/fixtures/cap/good/vfio-intel-aw39.bin"
