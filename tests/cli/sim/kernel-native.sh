# native is ioas's own profile: no kernel runs it.
. "$T/kernel-fake-sysfs.inc"
sed 's/^space type1/space native/' t1.scn > x.scn
"$IOAS" sim --backend kernel x.scn
