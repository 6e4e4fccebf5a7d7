# --help: the usage on stdout, exit 0.
"$IOAS" check --help
