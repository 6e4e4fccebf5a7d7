# A VFIO GET_INFO answer of deb-intel-tcg.out (x86 VT-d, 39 bits): MIGRATION @24, DMA_AVAIL @56, IOVA_RANGE @72; format detected.
"$IOAS" decode "$IOAS_SRCDIR/tests/fixtures/cap/good/vfio-intel-aw39.bin"
