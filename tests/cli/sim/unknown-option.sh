"$IOAS" sim --frobnicate x.scn
