# --hex: hex text with whitespace anywhere between digits, and the 'info '
# prefix of an 'ioas sim' line, decodes to the same answer.
printf 'info 78000000030000000010204000000000180000000000000002000100380000000000000000000000001000000000000000000010000000000300010048000000ffff000000000000010001000000000002000000000000000000000000000000ffffdffe000000000000f0fe00000000ffffffff7f000000\n' > line.txt
"$IOAS" decode --hex line.txt
od -An -v -tx1 "$IOAS_SRCDIR/tests/fixtures/cap/good/iommufd-fresh.bin" > od.txt
"$IOAS" decode --hex od.txt
