# Malformed: undeclared-group. Nothing runs (empty stdout), exit 2.
printf 'space type1 aperture=0-0xfff pgsizes=0x1000\ngroup 1\n# comment\nattach 9\n' > bad.scn
"$IOAS" sim bad.scn
