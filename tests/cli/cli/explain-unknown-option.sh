# An unknown option.
"$IOAS" explain 0x1000 --bogus
