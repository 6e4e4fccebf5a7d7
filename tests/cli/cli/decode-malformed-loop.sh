# A chain that loops back (IOVA_RANGE.next = 24) is refused, with the
# offset of the next field that points backwards.
cp "$IOAS_SRCDIR/tests/fixtures/cap/bad/vfio-next-loop-back.bin" loop.bin
"$IOAS" decode loop.bin
