# Every generated malformed blob (tests/fixtures/cap/bad/, one per
# malformation): exit 2, nothing on stdout, and stderr naming the byte
# offset and the reason.
for f in "$IOAS_SRCDIR"/tests/fixtures/cap/bad/*.bin; do
	n=$(basename "$f" .bin)
	case $n in
	vfio-*) fmt=vfio-info ;;
	iommufd-*) fmt=iommufd-ranges ;;
	*) fmt=virtio-probe ;;
	esac
	cp "$f" "$n.bin"
	"$IOAS" decode --format "$fmt" "$n.bin" >out 2>err
	echo "$n: exit $? stdout $(wc -c <out) bytes: $(cat err)"
done
