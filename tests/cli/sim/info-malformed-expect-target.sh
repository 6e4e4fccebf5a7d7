# Malformed: expect info must check an info command.
printf 'space type1 aperture=0-0xfff pgsizes=0x1000\nusable\nexpect info 00\n' > bad.scn
"$IOAS" sim bad.scn
