# Malformed: second-space. Nothing runs (empty stdout), exit 2.
printf 'space type1 aperture=0-0xfff pgsizes=0x1000\nspace native aperture=0-0xfff pgsizes=0x1000\n' > bad.scn
"$IOAS" sim bad.scn
