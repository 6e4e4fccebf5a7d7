# type1-dma-limit must pass on the engine (exit 0), output pinned.
"$IOAS" sim "$IOAS_SRCDIR/examples/scenarios/type1-dma-limit.scn"
