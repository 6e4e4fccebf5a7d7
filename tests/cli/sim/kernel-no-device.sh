# dev= names a device this host does not have.
. "$T/kernel-fake-sysfs.inc"
sed 's/dev=0000:00:01.0/dev=0000:00:07.0/' t1.scn > x.scn
"$IOAS" sim --backend kernel x.scn
