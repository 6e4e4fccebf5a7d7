# Pins the text of every result line of errors-iommufd.scn.
"$IOAS" sim "$T/errors-iommufd.scn"
