#!/bin/sh
# Every ioas_* function declared in include/ioas/*.h (static inline ones
# included: they are API) must be named in the NAME line of a page in
# doc/man/, and every page must build with scdoc when scdoc is installed
# (liburing's man-page coverage, STYLE.md section 7). TAP output.
#
#   check_manpages.sh SRCDIR
set -u
src=${1:?usage: check_manpages.sh SRCDIR}
man="$src/doc/man"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# Declared functions: strip comments, drop preprocessor lines, keep
# top-level lines (declarations start in column 0; bodies of static inline
# functions are indented, so calls inside them are not counted), and take
# every ioas_name followed by '('. A return type on its own line is fine:
# the name then starts the line.
for h in "$src"/include/ioas/*.h; do
	[ -e "$h" ] || continue
	awk '
	{
		line = $0
		out = ""
		while (length(line) > 0) {
			if (incomment) {
				i = index(line, "*/")
				if (!i) { line = ""; break }
				line = substr(line, i + 2)
				incomment = 0
			} else {
				i = index(line, "/*")
				j = index(line, "//")
				if (j && (!i || j < i)) { out = out substr(line, 1, j - 1); line = ""; break }
				if (!i) { out = out line; line = ""; break }
				out = out substr(line, 1, i - 1)
				line = substr(line, i + 2)
				incomment = 1
			}
		}
		print out
	}' "$h"
done | grep -v '^[[:space:]]*#' | grep -v '^[[:space:]]' |
	grep -o -E '(^|[^A-Za-z0-9_])ioas_[a-z0-9_]+[[:space:]]*\(' |
	sed -E 's/^[^i]*(ioas_[a-z0-9_]+).*/\1/' | sort -u >"$tmp/declared"

# Names on the NAME line of every page: the first non-empty line after
# "# NAME", up to " - ", split on commas and blanks, scdoc escapes removed.
: >"$tmp/named"
pages=""
for p in "$man"/*.scd; do
	[ -e "$p" ] || continue
	pages="$pages $p"
	awk '
	/^# NAME[[:space:]]*$/ { inname = 1; next }
	inname && /^#/ { exit }
	inname && NF {
		line = $0
		gsub(/\\/, "", line)
		i = index(line, " - ")
		if (i) line = substr(line, 1, i - 1)
		n = split(line, w, /[ ,\t]+/)
		for (k = 1; k <= n; k++) if (w[k] != "") print w[k]
		exit
	}' "$p" >>"$tmp/named"
done
sort -u -o "$tmp/named" "$tmp/named"

have_scdoc=0
command -v scdoc >/dev/null 2>&1 && have_scdoc=1
nd=$(wc -l <"$tmp/declared")
np=0
for p in $pages; do np=$((np + 1)); done
total=$((nd + 1 + np))
echo "1..$total"

n=0
fail=0
missing=""
while read -r f; do
	n=$((n + 1))
	if grep -qx "$f" "$tmp/named"; then
		echo "ok $n - $f has a man page"
	else
		echo "not ok $n - $f is named in no NAME line under doc/man"
		missing="$missing $f"
		fail=1
	fi
done <"$tmp/declared"

n=$((n + 1))
if [ "$nd" -gt 0 ]; then
	echo "ok $n - found $nd declared functions"
else
	echo "not ok $n - no ioas_* function found in $src/include/ioas/*.h"
	fail=1
fi

for p in $pages; do
	n=$((n + 1))
	name=$(basename "$p")
	if [ $have_scdoc = 0 ]; then
		echo "ok $n - $name # SKIP scdoc not installed"
	elif scdoc <"$p" >/dev/null 2>"$tmp/err"; then
		echo "ok $n - $name builds with scdoc"
	else
		echo "not ok $n - $name: $(cat "$tmp/err")"
		fail=1
	fi
done

if [ -n "$missing" ]; then
	echo "# functions without a man page:$missing" >&2
	echo "# functions without a man page:$missing"
fi
[ $fail = 0 ] && exit 0
exit 1
