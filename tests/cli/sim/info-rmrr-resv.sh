# info-rmrr-resv: info lines (VFIO GET_INFO bytes) of a scenario.
"$IOAS" sim "$T/info-rmrr-resv.scn"
