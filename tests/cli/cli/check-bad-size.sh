# --ram must be a non-zero size, 4 KiB aligned, that fits a guest in 64 bits.
H="$IOAS_SRCDIR/examples/hosts/intel"
for r in 12Q 4g '' 0 0x800 99999999999999999999 0xfffffffffffff000; do
	"$IOAS" check --groups 1 --ram "$r" --machine q35 --sysfs "$H" 2>&1
	echo "exit $?"
done
