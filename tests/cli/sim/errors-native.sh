# Pins the text of every result line of errors-native.scn.
"$IOAS" sim "$T/errors-native.scn"
