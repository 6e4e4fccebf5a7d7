# gen --doorbell: the doorbell case for the arm64 example host's e1000e
# (config space captured: it has MSI-X) and pci-testdev (no MSI: never
# given a doorbell), and the engine's answers to it.
H="$IOAS_SRCDIR/examples/hosts/arm64-smmuv3"
"$IOAS" gen --profile type1 --dev 0000:00:01.0,0000:00:02.0 --sysfs "$H" \
	--cases --doorbell its=0x8080000 --out .
cat case-doorbell.scn
"$IOAS" sim --brief case-doorbell.scn
# random scenarios with doorbells: seeded, so the same file every time
"$IOAS" gen --profile type1 --dev 0000:00:01.0,0000:00:02.0 --sysfs "$H" \
	--seed 3 --count 1 --doorbell gicv2m=0x8020000 --unsafe-interrupts | grep -c '^doorbell'
