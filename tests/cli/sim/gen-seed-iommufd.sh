# ioas gen: the same seed gives the same scenario, and the engine runs it.
"$IOAS" gen --profile iommufd --dev 0000:00:01.0,0000:00:02.0 --sysfs "$IOAS_SRCDIR/examples/hosts/intel" --seed 7 --count 2 --page 0x1000 --hpage 0x200000 --out . &&
"$IOAS" gen --profile iommufd --dev 0000:00:01.0,0000:00:02.0 --sysfs "$IOAS_SRCDIR/examples/hosts/intel" --seed 8 --page 0x1000 --hpage 0x200000 | cmp - gen-000008.scn &&
"$IOAS" sim --brief gen-000008.scn
