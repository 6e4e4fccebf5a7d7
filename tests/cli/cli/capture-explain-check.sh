# explain and check read hosts through the same code as show, so they take
# a capture too, and say the same as for the folder it was made from.
h=$IOAS_SRCDIR/examples/hosts/intel-rmrr
"$IOAS" capture --sysfs "$h" -o h.tar 2>/dev/null
same() {
	"$IOAS" "$@" --sysfs "$h" >want.txt 2>/dev/null
	a=$?
	"$IOAS" "$@" --sysfs h.tar >got.txt 2>/dev/null
	b=$?
	if [ $a = $b ] && cmp -s want.txt got.txt && [ -s got.txt ]; then
		echo "$1: same output, exit $b"
	else
		echo "$1: DIFFERS (exit $a vs $b)"
	fi
}
same explain 0xfee00000 --groups 1
same explain 0x100000+0x1000 --groups 2
same check --groups 1 --ram 4G --machine q35
same check --groups 2 --ram 4G --machine q35
