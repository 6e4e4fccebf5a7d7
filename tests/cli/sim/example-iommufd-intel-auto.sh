# iommufd-intel-auto must pass on the engine (exit 0), output pinned.
"$IOAS" sim "$IOAS_SRCDIR/examples/scenarios/iommufd-intel-auto.scn"
