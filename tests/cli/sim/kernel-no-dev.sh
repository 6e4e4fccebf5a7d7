# A group without dev= cannot be bound to anything: a usage error.
. "$T/kernel-fake-sysfs.inc"
sed 's/ dev=0000:00:01.0//' t1.scn > x.scn
"$IOAS" sim --backend kernel x.scn
