# ioas gen --cases from a captured Intel VT-d host: the hand-written edge
# cases, built on the host's real groups and regions (deterministic).
"$IOAS" gen --profile type1 --dev 0000:00:01.0,0000:00:10.0 --sysfs "$IOAS_SRCDIR/examples/hosts/intel-rmrr" --cases --page 0x1000 --hpage 0x200000
