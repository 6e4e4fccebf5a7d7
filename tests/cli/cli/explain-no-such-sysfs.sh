# A sysfs root that does not exist.
"$IOAS" explain 0x1000 --sysfs no-such-folder
