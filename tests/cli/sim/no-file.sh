# No file: usage on stderr, exit 2.
"$IOAS" sim
