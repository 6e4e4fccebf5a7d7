# Around the relocation threshold: 978 GiB stays at 4 GiB (RAM and the
# 32 GiB PCI window end just below the hole), 1 MiB more is moved to 1 TiB.
"$IOAS" check --groups 1 --ram 978G --machine q35 --sysfs "$IOAS_SRCDIR/examples/hosts/amd" --json
"$IOAS" check --groups 1 --ram 1001473M --machine q35 --sysfs "$IOAS_SRCDIR/examples/hosts/amd" --json
