# doorbell commands: malformed addresses are rejected before anything runs.
printf "space type1 aperture=0-0xffff pgsizes=0x1000\ngroup 1\ndoorbell 1 its=0xffffffffffffffff\n" > bad.scn
"$IOAS" sim bad.scn
