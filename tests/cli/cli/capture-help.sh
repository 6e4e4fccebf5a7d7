# capture --help: the usage on stdout, exit 0.
"$IOAS" capture --help
