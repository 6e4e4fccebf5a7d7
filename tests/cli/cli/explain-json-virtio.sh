# JSON of a success that needs unsafe interrupts.
"$IOAS" explain --json 0x40000000+1M --sysfs="$IOAS_SRCDIR/examples/hosts/virtio" --groups=2
