# A file that cannot be read: exit 3.
"$IOAS" decode no-such-file.bin
