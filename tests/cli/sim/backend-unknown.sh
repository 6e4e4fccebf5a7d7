"$IOAS" sim --backend bogus "$T/mixed.scn"
