# A file that cannot be opened is an I/O error: exit 3.
"$IOAS" sim does-not-exist.scn
