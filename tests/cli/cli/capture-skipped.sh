# What cannot be captured is skipped with a note, counted and listed in
# ioas-capture.txt, and the rest written: here a FIFO where a file should
# be. A symlink leading out of the tree is never followed; it is stored
# pointing to a dangling stand-in inside the archive that keeps its last
# component (all the loader reads of it), so the replay still names the
# driver.
cp -R "$IOAS_SRCDIR/examples/hosts/intel" h
rm h/kernel/iommu_groups/3/reserved_regions
mkfifo h/kernel/iommu_groups/3/reserved_regions
rm h/bus/pci/devices/0000:00:01.0/driver
ln -s ../../../../../../usr/lib/drivers/e1000e h/bus/pci/devices/0000:00:01.0/driver
ln -s /etc/passwd h/bus/pci/devices/0000:00:02.0/iommu_group
"$IOAS" capture --sysfs h -o h.tar 2>err
echo "exit $?"
sed 's/[0-9]* files, [0-9]* bytes/N files, M bytes/' err
tar -tf h.tar | grep -c 'iommu_groups/3/reserved_regions'
TZ=UTC tar -tvf h.tar | grep -E '0000:00:0[12].0/(driver|iommu_group)' | sed 's/.* \(bus\/\)/\1/'
"$IOAS" show --sysfs h.tar | grep -c 'driver e1000e'
tar -xOf h.tar ioas-capture.txt | grep "^skipped:"
