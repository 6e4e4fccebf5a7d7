# The HyperTransport conflict as JSON.
"$IOAS" check --groups 1,2 --ram 2T --machine q35 --cpu-vendor intel --sysfs "$IOAS_SRCDIR/examples/hosts/amd" --json
