# msi-spill-type1 must pass on the engine (exit 0), output pinned.
"$IOAS" sim "$IOAS_SRCDIR/examples/scenarios/msi-spill-type1.scn"
