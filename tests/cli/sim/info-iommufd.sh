# info-iommufd: info lines (VFIO GET_INFO bytes) of a scenario.
"$IOAS" sim "$T/info-iommufd.scn"
