# A --sysfs that is a file: exit 2.
echo hello > file
"$IOAS" show --sysfs file
