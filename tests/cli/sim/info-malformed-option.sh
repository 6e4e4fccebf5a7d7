# Malformed: an info argument that is neither argsz= nor resv.
printf 'space type1 aperture=0-0xfff pgsizes=0x1000\ninfo resv argsz=32 all\n' > bad.scn
"$IOAS" sim bad.scn
