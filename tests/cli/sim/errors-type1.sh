# Pins the text of every result line of errors-type1.scn.
"$IOAS" sim "$T/errors-type1.scn"
