# Malformed: a NUL byte. Nothing runs (empty stdout), exit 2.
printf 'space type1 aperture=0-0xfff pgsizes=0x1000\nmap\000 1\n' > bad.scn
"$IOAS" sim bad.scn
