"$IOAS" sim --backend kernel "$T/mixed.scn"
