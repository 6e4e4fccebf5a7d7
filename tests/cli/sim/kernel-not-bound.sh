# The device is bound to its own driver, not to vfio-pci.
DRV=e1000e
. "$T/kernel-fake-sysfs.inc"
"$IOAS" sim --backend kernel t1.scn
