# Malformed: expect-usable-target. Nothing runs (empty stdout), exit 2.
printf 'space type1 aperture=0-0xfff pgsizes=0x1000\nmap 0 0x1000\nexpect usable 0x0-0xfff\n' > bad.scn
"$IOAS" sim bad.scn
