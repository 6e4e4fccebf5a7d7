# ioas-capture.txt: the format line, then "key: value" lines; the date is
# the capture time (SOURCE_DATE_EPOCH here), sysfs the folder as given.
# Values that depend on the machine are replaced by their key.
SOURCE_DATE_EPOCH=1700000000 "$IOAS" capture --sysfs "$IOAS_SRCDIR/examples/hosts/virtio" -o v.tar 2>/dev/null
tar -xOf v.tar ioas-capture.txt | sed -e "s|$IOAS_SRCDIR|SRCDIR|" \
	-e 's/^\(ioas-version\|hostname\|kernel\|machine\): .*/\1: .../'
