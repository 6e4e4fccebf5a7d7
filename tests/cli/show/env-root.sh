# Without --sysfs, IOAS_SYSFS_ROOT names the tree.
IOAS_SYSFS_ROOT="$IOAS_SRCDIR/examples/hosts/virtio" "$IOAS" show --json
