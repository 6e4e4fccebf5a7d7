# Bad usage: each case prints one line on stderr and exits 2.
H="$IOAS_SRCDIR/examples/hosts/intel"
c() {
	"$IOAS" check "$@" >out 2>&1
	echo "exit $?" >>out
	sed "s|$IOAS_SRCDIR|SRC|g" out
}
c --ram 4G --machine q35 --sysfs "$H"
c --groups 1 --ram 4G --sysfs "$H"
c --groups 1 --machine q35 --sysfs "$H"
c --groups 1 --sysfs "$H"
c --groups 1 --ram 4G --machine q35 --layout x --sysfs "$H"
c --groups 1 --layout x --cpu-vendor amd --sysfs "$H"
c --groups 1 --layout x --pci64 --sysfs "$H"
c --groups 1 --ram 4G --machine pc --sysfs "$H"
c --groups 1 --ram 4G --machine virt --cpu-vendor amd --sysfs "$H"
c --groups 1 --ram 4G --machine virt --pci64 --sysfs "$H"
c --groups 1 --ram 4G --machine q35 --cpu-vendor via --sysfs "$H"
c --groups 1 --ram
c --groups 1,x --ram 4G --machine q35 --sysfs "$H"
c --groups 9 --ram 4G --machine q35 --sysfs "$H"
c --groups 1 --ram 4G --machine q35 --sysfs no-such-dir
