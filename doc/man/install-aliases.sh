#!/bin/sh
# Meson install script: for every name on a man page's NAME line other than
# the page's own, install NAME.SECTION as a one-line '.so' link to the page
# (liburing style), so that 'man ioas_space_free' finds ioas_space_new(3).
#   install-aliases.sh SRCDIR/doc/man MANDIR
set -eu
src=$1
mandir=$2
dest="${MESON_INSTALL_DESTDIR_PREFIX:-/usr/local}"
case "$mandir" in /*) dest="${DESTDIR:-}$mandir" ;; *) dest="$dest/$mandir" ;; esac
for page in "$src"/*.scd; do
	base=$(basename "$page" .scd)          # e.g. ioas_space_map.3
	sect=${base##*.}
	self=${base%.*}
	names=$(awk '/^# NAME/{getline; getline; print; exit}' "$page" |
		sed 's/ - .*//; s/,/ /g')
	for n in $names; do
		[ "$n" = "$self" ] && continue
		mkdir -p "$dest/man$sect"
		printf '.so man%s/%s\n' "$sect" "$base" >"$dest/man$sect/$n.$sect"
	done
done
