# expect info compares every byte; a mismatch is a failed check (exit 1)
# that shows both blobs.
printf 'space type1 aperture=0-0x7fffffffff pgsizes=0x40201000\ngroup 1\nattach 1\ninfo argsz=16\nexpect info 68000000030000000010204000000000\nexpect info 58000000030000000010204000000000\nexpect ok\n' > f.scn
"$IOAS" sim f.scn
