# msi-gicv2m-allowed must pass on the engine (exit 0), output pinned.
"$IOAS" sim "$IOAS_SRCDIR/examples/scenarios/msi-gicv2m-allowed.scn"
