"$IOAS" sim --backend=engine "$IOAS_SRCDIR/examples/scenarios/unsafe-interrupts.scn"
