# JSON of a whole example.
"$IOAS" sim --json "$IOAS_SRCDIR/examples/scenarios/rmrr-direct-type1.scn"
