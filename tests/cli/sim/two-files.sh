"$IOAS" sim a.scn b.scn
