# Archives written by GNU tar: POSIX formats (pax and ustar) are read like
# our own, provided ioas-capture.txt comes first; GNU tar's default format
# is refused with a hint.
"$IOAS" capture --sysfs "$IOAS_SRCDIR/examples/hosts/virtio" -o v.tar 2>/dev/null
mkdir x
tar -xf v.tar -C x
"$IOAS" show --sysfs x >want.txt
for f in posix ustar gnu; do
	(cd x && tar --format=$f -cf ../$f.tar ioas-capture.txt bus class kernel)
	"$IOAS" show --sysfs $f.tar >got.txt 2>err
	rc=$?
	if [ $rc = 0 ] && cmp -s want.txt got.txt; then
		echo "$f: same show output"
	else
		echo "$f: exit $rc: $(cat err)"
	fi
done
(cd x && tar --format=posix -cf ../misordered.tar kernel ioas-capture.txt)
"$IOAS" show --sysfs misordered.tar 2>&1
echo "exit $?"
