# -o - writes the archive to stdout; the same tree captured at the same
# time gives the same bytes, whether to stdout or to a file.
h=$IOAS_SRCDIR/examples/hosts/arm64-smmuv3
SOURCE_DATE_EPOCH=0 "$IOAS" capture --sysfs "$h" -o - >a.tar 2>err
sed 's/[0-9]* files, [0-9]* bytes/N files, M bytes/' err
SOURCE_DATE_EPOCH=0 "$IOAS" capture --sysfs "$h" -o b.tar 2>/dev/null
cmp a.tar b.tar && echo "stdout and file: identical"
SOURCE_DATE_EPOCH=0 "$IOAS" capture --sysfs="$h" --output=c.tar 2>/dev/null
cmp a.tar c.tar && echo "--output= and --sysfs=: identical"
"$IOAS" capture --sysfs "$h" -o - 2>/dev/null | tar -tf - | head -4
ls
