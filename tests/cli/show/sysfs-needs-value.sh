# --sysfs without a folder: exit 2.
"$IOAS" show --sysfs
