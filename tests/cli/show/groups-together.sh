# --groups: only those groups, then what one container holding them all
# reports (type1 and iommufd), for the intel host (1 and 5: group 5's
# floppy range is direct-relaxable, so it changes nothing) and the RMRR
# host (group 1 cannot join: its RMRR is a direct region).
"$IOAS" show --sysfs "$IOAS_SRCDIR/examples/hosts/intel" --groups 1,5
"$IOAS" show --sysfs "$IOAS_SRCDIR/examples/hosts/intel-rmrr" --groups=4,1 | sed -n '/together/,$p'
# one group: no "together" block
"$IOAS" show --sysfs "$IOAS_SRCDIR/examples/hosts/arm64-smmuv3" --groups 1
