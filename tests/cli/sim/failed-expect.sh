# A failed expect prints "fail: ..." and goes on; the exit status is 1.
printf 'space type1 aperture=0-0xfffff pgsizes=0x1000\ngroup 1\nattach 1\nmap 0x1000 0x1000\nexpect err EEXIST\nmap 0x1000 0x1000\nexpect err EEXIST\n' > f.scn
"$IOAS" sim f.scn
