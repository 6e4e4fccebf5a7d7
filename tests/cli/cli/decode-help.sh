# decode --help: the usage text on stdout, exit 0.
"$IOAS" decode --help
