# gen --doorbell: what is not a doorbell is refused with exit 2.
H="$IOAS_SRCDIR/examples/hosts/arm64-smmuv3"
for d in its= gicv2m=0xfffffffffffffff0 its=0xffffffffffffffff 12x its=-1; do
	"$IOAS" gen --profile type1 --dev 0000:00:01.0 --sysfs "$H" --doorbell "$d" 2>&1
	echo "exit $?"
done
"$IOAS" gen --profile type1 --dev 0000:00:01.0 --sysfs "$H" --doorbell >out 2>&1
echo "exit $?"
head -n 1 out
