# Malformed: a line over 4096 bytes (here in a comment). Exit 2.
{ echo 'space type1 aperture=0-0xfff pgsizes=0x1000'; printf '#%04096d\n' 0; echo usable; } > bad.scn
"$IOAS" sim bad.scn
