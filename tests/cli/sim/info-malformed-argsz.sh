# Malformed: info argsz= beyond the 1M cap. Nothing runs, exit 2.
printf 'space type1 aperture=0-0xfff pgsizes=0x1000\ninfo argsz=2M\n' > bad.scn
"$IOAS" sim bad.scn
