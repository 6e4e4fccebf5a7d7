# ioas gen needs a profile and devices; a device must be in a group.
"$IOAS" gen --profile type1 --sysfs "$IOAS_SRCDIR/examples/hosts/intel"
echo "rc=$?"
"$IOAS" gen --profile native --dev 0000:00:01.0 --sysfs "$IOAS_SRCDIR/examples/hosts/intel"
echo "rc=$?"
"$IOAS" gen --profile type1 --dev 0000:00:07.0 --sysfs "$IOAS_SRCDIR/examples/hosts/intel"
echo "rc=$?"
