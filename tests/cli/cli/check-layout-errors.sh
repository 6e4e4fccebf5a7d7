# Malformed --layout files: FILE:LINE: reason, exit 2.
H="$IOAS_SRCDIR/examples/hosts/intel"
t() {
	printf "$2" >"$1"
	"$IOAS" check --groups 1 --layout "$1" --sysfs "$H" 2>&1
	echo "exit $?"
}
t empty '# nothing here\n\n'
t junk '0x0+4G ram\nhello\n'
t above '0x2000-0x1fff\n'
t zero '0x1000+0\n'
t wraps '0xfffffffffffff000+8K\n'
t big '0x0+17E\n'
t unaligned '0x0+4G a\n0x100000800+4K b\n'
t trailing '0x0+4G ram more\n'
t badname '0x0+4G r@m\n'
t dup '0x0+4G ram\n# again\n0x100000000+4G ram\n'
t overlap '0x0+4G a\n0x80000000+4G b\n'
t nul '0x0+4G a\n\000\n0x100000000+4G b\n'
printf '0x0+4K %0300d\n' 0 >long
"$IOAS" check --groups 1 --layout long --sysfs "$H" 2>&1; echo "exit $?"
i=0; while [ $i -lt 65 ]; do printf '0x%x000+4K r%d\n' $i $i; i=$((i + 1)); done >many
"$IOAS" check --groups 1 --layout many --sysfs "$H" 2>&1; echo "exit $?"
"$IOAS" check --groups 1 --layout no-such-file --sysfs "$H" 2>&1; echo "exit $?"
"$IOAS" check --groups 1 --layout . --sysfs "$H" 2>&1; echo "exit $?"
