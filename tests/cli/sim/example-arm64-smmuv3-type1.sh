# arm64-smmuv3-type1 must pass on the engine (exit 0), output pinned.
"$IOAS" sim "$IOAS_SRCDIR/examples/scenarios/arm64-smmuv3-type1.scn"
