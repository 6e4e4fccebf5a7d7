# --sysfs FILE works for capture too: a capture of a capture holds the
# same members (only the header's sysfs line differs) and replays the same.
h=$IOAS_SRCDIR/examples/hosts/intel-rmrr
SOURCE_DATE_EPOCH=0 "$IOAS" capture --sysfs "$h" -o one.tar 2>/dev/null
SOURCE_DATE_EPOCH=0 "$IOAS" capture --sysfs one.tar -o two.tar 2>/dev/null
tar -tvf one.tar | grep -v ioas-capture.txt >one.list
tar -tvf two.tar | grep -v ioas-capture.txt >two.list
cmp one.list two.list && echo "same members"
tar -xOf two.tar ioas-capture.txt | grep '^sysfs:'
"$IOAS" show --sysfs one.tar >one.txt
"$IOAS" show --sysfs two.tar >two.txt
cmp one.txt two.txt && echo "same show output"
