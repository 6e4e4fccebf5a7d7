# --help prints the usage on stdout.
"$IOAS" explain --help
