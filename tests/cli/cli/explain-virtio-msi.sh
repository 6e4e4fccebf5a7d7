# Two virtio groups together over the MSI range: EINVAL, and EPERM first without unsafe interrupts.
"$IOAS" explain 0xfee00000 --sysfs "$IOAS_SRCDIR/examples/hosts/virtio" --groups 0,2
