# Malformed: expect info takes lowercase hex, an even number of digits.
printf 'space type1 aperture=0-0xfff pgsizes=0x1000\ninfo\nexpect info 78 00 0\n' > odd.scn
"$IOAS" sim odd.scn
echo "exit $?"
printf 'space type1 aperture=0-0xfff pgsizes=0x1000\ninfo\nexpect info 7800AB\n' > upper.scn
"$IOAS" sim upper.scn
echo "exit $?"
