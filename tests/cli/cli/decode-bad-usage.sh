# Bad usage: unknown format, unknown option, no file, two files: exit 2.
"$IOAS" decode --format elf x.bin; echo "exit $?"
"$IOAS" decode --frobnicate x.bin 2>/dev/null; echo "exit $?"
"$IOAS" decode 2>/dev/null; echo "exit $?"
"$IOAS" decode a.bin b.bin 2>/dev/null; echo "exit $?"
"$IOAS" decode --format 2>/dev/null; echo "exit $?"
