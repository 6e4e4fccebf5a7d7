# --groups without its list.
"$IOAS" explain 0x1000 --groups
