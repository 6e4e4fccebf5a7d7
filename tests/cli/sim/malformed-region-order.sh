# Malformed: region-order. Nothing runs (empty stdout), exit 2.
printf 'space type1 aperture=0-0xfff pgsizes=0x1000\ngroup 1\nregion 1 msi 0x2000 0x1000\n' > bad.scn
"$IOAS" sim bad.scn
