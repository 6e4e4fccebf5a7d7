# info-type1: info lines (VFIO GET_INFO bytes) of a scenario.
"$IOAS" sim "$T/info-type1.scn"
