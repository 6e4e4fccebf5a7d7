# --help prints the usage on stdout and exits 0.
"$IOAS" show --help
