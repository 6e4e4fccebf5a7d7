# detach-edge-type1 must pass on the engine (exit 0), output pinned.
"$IOAS" sim "$IOAS_SRCDIR/examples/scenarios/detach-edge-type1.scn"
