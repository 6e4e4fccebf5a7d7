#!/bin/sh
# Every non-inline ioas_* function declared in include/ioas/*.h must be
# exported by the shared library, and the library must export nothing else
# (libvfio-user test-linkage.sh style). TAP output.
set -u
src=${1:?srcdir}
lib=${2:?path to libioas.so}
decl=$(grep -h -E '^[a-z].*[ *]ioas_[a-z0-9_]+\(' "$src"/include/ioas/*.h |
	grep -v 'static inline' |
	sed -E 's/.*[ *](ioas_[a-z0-9_]+)\(.*/\1/' | sort -u)
exp=$(nm -D --defined-only "$lib" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort -u)
n=0; fail=0
total=$(printf '%s\n' "$decl" | wc -l)
echo "1..$((total + 1))"
for f in $decl; do
	n=$((n + 1))
	if printf '%s\n' "$exp" | grep -qx "$f"; then
		echo "ok $n - $f exported"
	else
		echo "not ok $n - $f declared but not exported"
		fail=1
	fi
done
n=$((n + 1))
others=$(printf '%s\n' "$exp" | while read -r s; do
	printf '%s\n' "$decl" | grep -qx "$s" || printf '%s ' "$s"
done)
if [ -z "$others" ]; then
	echo "ok $n - nothing else exported"
else
	echo "not ok $n - exported but not declared: $others"
	fail=1
fi
[ $fail = 0 ]
