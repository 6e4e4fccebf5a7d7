# Without -o: ioas-capture-<host>-<YYYYmmdd-HHMMSS>.tar (UTC) in the
# current folder.
SOURCE_DATE_EPOCH=1700000000 "$IOAS" capture --sysfs "$IOAS_SRCDIR/examples/hosts/virtio" 2>err
echo "exit $?"
ls | grep -v '^err$' | sed 's/^ioas-capture-.*-\([0-9]\{8\}-[0-9]\{6\}\.tar\)$/ioas-capture-HOST-\1/'
sed -e 's/ioas-capture-.*-\([0-9]\{8\}-[0-9]\{6\}\.tar\)/ioas-capture-HOST-\1/' \
	-e 's/[0-9]* files, [0-9]* bytes/N files, M bytes/' err
