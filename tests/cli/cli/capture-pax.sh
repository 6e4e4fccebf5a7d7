# A sysfs-like tree with the real layout (bus/pci/devices/<bdf> and the
# group's devices/<bdf> are links into devices/, the unit is a link into
# devices/virtual/iommu) and a device deep behind bridges, so that paths
# pass ustar's 100+155 bytes and link targets its 100 bytes: pax records
# carry them, GNU tar reads them, and everything replays the same.
D=devices/pci0000:00/0000:00:01.0/0000:01:00.0/0000:02:01.0/0000:03:00.0/0000:04:00.0/0000:05:00.0/0000:06:00.0/0000:07:00.0/0000:08:00.0/0000:09:00.0/0000:0a:00.0/0000:0b:00.0/0000:0c:00.0/0000:0d:00.0/0000:0e:00.0/0000:0f:00.0/0000:10:00.0/0000:11:00.0
B=0000:11:00.0
mkdir -p "t/$D" t/bus/pci/devices t/kernel/iommu_groups/7/devices t/devices/virtual/iommu/virtio0/devices t/class/iommu
printf '0x1af4\n' >"t/$D/vendor"
printf '0x1041\n' >"t/$D/device"
printf '0x020000\n' >"t/$D/class"
printf 'DMA\n' >t/kernel/iommu_groups/7/type
printf '0x00000000fee00000 0x00000000feefffff msi\n' >t/kernel/iommu_groups/7/reserved_regions
ln -s "../../../$D" "t/bus/pci/devices/$B"
ln -s "../../../../$D" "t/kernel/iommu_groups/7/devices/$B"
ln -s ../../devices/virtual/iommu/virtio0 t/class/iommu/virtio0
ln -s "../../../../../${D#devices/}" "t/devices/virtual/iommu/virtio0/devices/$B"
ln -s ../../../../../../../../../../../../../../../../../../../../bus/pci/drivers/virtio-pci "t/$D/driver"
"$IOAS" capture --sysfs t -o t.tar 2>/dev/null
"$IOAS" show --sysfs t >want.txt
"$IOAS" show --sysfs t.tar >got.txt
cmp want.txt got.txt && echo "same show output"
grep -c 'virtio0' got.txt
od -An -c t.tar | grep -c 'P   a   x   H   e   a   d   e   r   s'
tar -tf t.tar | awk '{ print length($0) }' | sort -n | tail -1
mkdir x
tar -xf t.tar -C x
(cd t && find . -printf '%y %p %l\n' | sort) >want.list
(cd x && find . -printf '%y %p %l\n' | sort | grep -v ioas-capture.txt) >got.list
cmp want.list got.list && echo "GNU tar extracts the same tree"
