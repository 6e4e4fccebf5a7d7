# Malformed: space-not-first. Nothing runs (empty stdout), exit 2.
printf '# comment\nmap 0 1\nspace type1 aperture=0-0xfff pgsizes=0x1000\n' > bad.scn
"$IOAS" sim bad.scn
