# --brief drops the sentences, in JSON too.
"$IOAS" sim --json --brief "$T/mixed.scn"
