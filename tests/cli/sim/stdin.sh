# "-" reads standard input.
"$IOAS" sim - < "$IOAS_SRCDIR/examples/scenarios/type1-dma-limit.scn"
