# --groups --json: the selected groups and the top-level "together".
"$IOAS" show --sysfs "$IOAS_SRCDIR/examples/hosts/intel-rmrr" --groups 4,3 --json
"$IOAS" show --sysfs "$IOAS_SRCDIR/examples/hosts/intel-rmrr" --groups 1,3 --json
