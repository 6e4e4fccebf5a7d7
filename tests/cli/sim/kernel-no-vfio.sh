# A host without VFIO: a clear sentence, exit 3, nothing run.
. "$T/kernel-fake-sysfs.inc"
"$IOAS" sim --backend kernel t1.scn
