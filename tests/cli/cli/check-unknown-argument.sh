# An unknown argument: exit 2, usage on stderr.
"$IOAS" check --bogus
