"$IOAS" sim -h
