# JSON for the host with a DMAR table: origin_from, origins_from_firmware.
"$IOAS" show --sysfs "$IOAS_SRCDIR/examples/hosts/intel-rmrr-dmar" --json
