# A malformed line on stdin is named <stdin>:LINE.
printf "space type1 aperture=0-0xfff pgsizes=0x1000\nmap 0 0x1zz\n" | "$IOAS" sim -
