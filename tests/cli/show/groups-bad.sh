# --groups errors: exit 2 with the reason, nothing on stdout.
cd "$IOAS_SRCDIR" && H=examples/hosts/intel
for g in "" 1,x 1,,2 1,1 -1 99999999999 7; do
	"$IOAS" show --sysfs "$H" --groups "$g" 2>&1
	echo "exit $?"
done
"$IOAS" show --sysfs "$H" --groups 2>&1
echo "exit $?"
