# info steps in JSON: status "info", "bytes" and "info" (hex).
"$IOAS" sim --json "$T/info-type1.scn"
