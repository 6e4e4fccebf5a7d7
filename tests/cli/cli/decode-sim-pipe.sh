# The differential workflow: 'ioas sim' prints an info line, 'ioas decode
# --hex -' reads it back.
"$IOAS" sim "$IOAS_SRCDIR/tests/cli/sim/info-rmrr-resv.scn" | grep '^info d0' | head -1 | "$IOAS" decode --hex -
