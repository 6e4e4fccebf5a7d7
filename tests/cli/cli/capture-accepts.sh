# Unusual but valid archives are read: a 100-byte name with no NUL, the
# ustar prefix field, "./" in names, a "./" root folder, implicit parent
# folders, a pax path, a link at the deepest level it may climb from.
. "$T/capture-mktar.inc"
long=kernel/iommu_groups/1/devices/$(printf 'd%.0s' $(seq 70))
{
	capstart
	dir ./
	hdr "$long" 5 0
	member ./kernel/iommu_groups/1/type 'DMA
'
	hdr reserved_regions 0 0 '' kernel/iommu_groups/1
	pax path kernel/iommu_groups/2/type
	member ignored 'identity
'
	link kernel/iommu_groups/2/devices/0000:00:01.0 ../../../../devices/pci0000:00/0000:00:01.0
	tarend
	zeros 8192
} >ok.tar
echo "${#long}"
"$IOAS" show --sysfs ok.tar >/dev/null
echo "exit $?"
"$IOAS" capture --sysfs ok.tar -o - 2>/dev/null | tar -tf - | grep iommu_groups/
