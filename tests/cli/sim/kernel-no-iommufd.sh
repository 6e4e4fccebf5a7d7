# A kernel without CONFIG_IOMMUFD.
. "$T/kernel-fake-sysfs.inc"
"$IOAS" sim --backend kernel fd.scn
