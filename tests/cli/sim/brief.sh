# --brief on text output.
"$IOAS" sim --brief "$T/errors-iommufd.scn"
