# rmrr-direct-iommufd must pass on the engine (exit 0), output pinned.
"$IOAS" sim "$IOAS_SRCDIR/examples/scenarios/rmrr-direct-iommufd.scn"
