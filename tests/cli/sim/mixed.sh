# Pins the text of every result line of mixed.scn.
"$IOAS" sim "$T/mixed.scn"
