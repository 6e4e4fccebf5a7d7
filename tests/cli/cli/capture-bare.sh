# An iommu_groups folder given directly (the loader's bare form) is
# captured as such and replays the same.
g=$IOAS_SRCDIR/examples/hosts/intel/kernel/iommu_groups
"$IOAS" capture --sysfs "$g" -o bare.tar 2>/dev/null
tar -tf bare.tar | head -6
"$IOAS" show --sysfs "$g" >want.txt
"$IOAS" show --sysfs bare.tar >got.txt
cmp want.txt got.txt && echo "same show output"
