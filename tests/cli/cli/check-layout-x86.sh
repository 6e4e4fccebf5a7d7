# A layout file on a 39-bit x86 host: RAM over the MSI range and a window
# above the aperture. Each proposed base stays clear of the ranges already
# moved.
printf '# x86 guest\n0x0-0xffffffff ram   # 4 GiB at 0\n0x100000000+4G high\n0x8000000000+16G pci64\n' >x86.layout
"$IOAS" check --groups 1,2 --layout x86.layout --sysfs "$IOAS_SRCDIR/examples/hosts/intel"
