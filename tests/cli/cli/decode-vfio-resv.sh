# ioas's IOAS_CAP_RESV_REGIONS after the kernel caps: types, origins, prot, excluded.
"$IOAS" decode "$IOAS_SRCDIR/tests/fixtures/cap/good/vfio-resv-intel-rmrr.bin"
