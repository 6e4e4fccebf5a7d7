# The same, as one JSON document (an expect fails: exit 1).
"$IOAS" sim --json "$T/mixed.scn"
