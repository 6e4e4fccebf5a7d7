# A capture does not parse what it stores, so a host with a malformed
# file can be captured for the bug report; replaying it reports the error
# inside the capture ("FILE: path"), not the temporary folder.
cp -R "$IOAS_SRCDIR/examples/hosts/intel" h
printf 'not a type\n' >h/kernel/iommu_groups/2/type
"$IOAS" capture --sysfs h -o h.tar 2>/dev/null
echo "capture: exit $?"
"$IOAS" show --sysfs h.tar 2>&1
echo "show: exit $?"
"$IOAS" show --sysfs h 2>&1
echo "show folder: exit $?"
