# Bytes that match no format: say so, exit 2.
printf 'hello, world: not a blob\n' > junk.bin
"$IOAS" decode junk.bin
