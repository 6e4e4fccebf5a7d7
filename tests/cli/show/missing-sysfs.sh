# A --sysfs folder that does not exist: exit 2, the path named on stderr.
"$IOAS" show --sysfs does-not-exist
