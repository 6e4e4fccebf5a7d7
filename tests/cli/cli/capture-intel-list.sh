# The members of a capture of examples/hosts/intel, as GNU tar lists them:
# ioas-capture.txt first, then sorted paths, folders 0755, files 0644,
# links 0777 with their targets, owner root, mtime the capture time.
SOURCE_DATE_EPOCH=86400 "$IOAS" capture --sysfs "$IOAS_SRCDIR/examples/hosts/intel" -o intel.tar 2>/dev/null
TZ=UTC tar -tvf intel.tar | sed 's/^\(-rw-r--r-- root\/root *\)[0-9]* \(.*ioas-capture.txt\)$/\1SIZE \2/'
