# Usage and system errors: exit 2 for bad usage or a missing or bad
# source, 3 for failing to write; a failed capture leaves no file behind.
run() {
	"$@" >out 2>err
	rc=$?
	echo "exit $rc: $(head -1 err)"
}
h=$IOAS_SRCDIR/examples/hosts/intel
mkdir w
cd w
run "$IOAS" capture --bogus
run "$IOAS" capture --sysfs
run "$IOAS" capture -o
run "$IOAS" capture -o ''
run "$IOAS" capture --sysfs no-such-folder -o x.tar
echo hello >file
run "$IOAS" capture --sysfs file -o x.tar
run "$IOAS" capture --sysfs /dev/null -o x.tar
printf 'not a tar file\n' >bad.tar
run "$IOAS" capture --sysfs bad.tar -o x.tar
run "$IOAS" capture --sysfs "$h" -o /nonexistent-folder/x.tar
touch y.tar.tmp
run "$IOAS" capture --sysfs "$h" -o y.tar
rm y.tar.tmp
mkdir z.tar
run "$IOAS" capture --sysfs "$h" -o z.tar
rmdir z.tar
if [ -w /dev/full ]; then
	"$IOAS" capture --sysfs "$h" -o - >/dev/full 2>err
	echo "exit $?: $(head -1 err)"
else
	echo "exit 3: ioas capture: standard output: No space left on device"
fi
run "$IOAS" show --sysfs no-such.tar
ls
