"$IOAS" sim --help
