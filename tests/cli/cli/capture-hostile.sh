# Hostile capture archives: each one is refused with a message naming the
# member and the reason, exit 2, and nothing is left in TMPDIR.
. "$T/capture-mktar.inc"
mkdir tmp
TMPDIR=$PWD/tmp
export TMPDIR

try() {
	"$IOAS" show --sysfs "$1.tar" >out 2>err
	rc=$?
	printf '%s: exit %s: %s\n' "$1" "$rc" "$(cat err)"
	[ -s out ] && echo "$1: unexpected output"
	[ -z "$(ls -A tmp)" ] || echo "$1: left files in TMPDIR: $(ls -A tmp)"
	rm -f out err
}

{ capstart; member 'kernel/../../etc/x' hi; tarend; } >dotdot.tar
try dotdot
{ capstart; member 'x/../y' hi; tarend; } >dotdot-inside.tar
try dotdot-inside
{ capstart; member '/etc/x' hi; tarend; } >absolute.tar
try absolute
{ capstart; link 'kernel/evil' '../../../etc'; tarend; } >link-escape.tar
try link-escape
{ capstart; link 'evil' '..'; tarend; } >link-escape-top.tar
try link-escape-top
{ capstart; link 'evil' '/etc'; tarend; } >link-absolute.tar
try link-absolute
# A chain: each link alone stays inside lexically, together they leave.
{ capstart; link 'x/A' '../y'; link 'x/B' 'A/../..'; tarend; } >link-chain.tar
try link-chain
{ capstart; link 'x/A' './y'; tarend; } >link-dot.tar
try link-dot
{ capstart; link 'x/A' ''; tarend; } >link-empty.tar
try link-empty
# A member placed through a symlink that stays inside the archive.
{ capstart; dir bus/; link 'kernel/l' '../bus'; member 'kernel/l/x' hi; tarend; } >through-link.tar
try through-link
{ capstart; H_SUM=000001 member kernel/x hi; tarend; } >bad-checksum.tar
try bad-checksum
{ capstart; H_SUM=0000zz member kernel/x hi; tarend; } >checksum-not-octal.tar
try checksum-not-octal
{ capstart; member kernel/x "$(printf '%0700d' 0)"; tarend; } >full.tar
head -c 1800 full.tar >truncated-data.tar
try truncated-data
head -c 2560 full.tar >truncated-no-end.tar
try truncated-no-end
head -c 1300 full.tar >truncated-header.tar
try truncated-header
head -c 2300 full.tar >truncated-padding.tar
try truncated-padding
{ capstart; H_SIZE=77777777777 hdr kernel/x 0 0; tarend; } >huge-size.tar
try huge-size
{ capstart; H_SIZE=0000000001x hdr kernel/x 0 0; tarend; } >size-not-octal.tar
try size-not-octal
{ capstart; H_MODE=0000x44 member kernel/x hi; tarend; } >mode-not-octal.tar
try mode-not-octal
{ capstart; hdr kernel/fifo 6 0; tarend; } >fifo.tar
try fifo
{ capstart; hdr kernel/tty 3 0; tarend; } >chardev.tar
try chardev
{ capstart; hdr kernel/sda 4 0; tarend; } >blockdev.tar
try blockdev
{ capstart; hdr kernel/x 1 0 ioas-capture.txt; tarend; } >hardlink.tar
try hardlink
{ capstart; hdr kernel/x Z 0; tarend; } >unknown-type.tar
try unknown-type
{ capstart; hdr kernel/x L 0; tarend; } >gnu-longname.tar
try gnu-longname
{ capstart; member 'kernel/x\0../../etc' hi; tarend; } >name-nul.tar
try name-nul
{ capstart; member 'kernel/\033[31mred' hi; tarend; } >name-control.tar
try name-control
{ capstart; member 'kernel//x' hi; tarend; } >name-empty-component.tar
try name-empty-component
{ capstart; hdr kernel/x 0 0 '' 'pre\0fix'; tarend; } >prefix-nul.tar
try prefix-nul
{ capstart; hdr kernel/l 2 0 '../x\0/../..'; tarend; } >link-nul.tar
try link-nul
{ capstart; H_SIZE=00000000002 hdr kernel/ 5 0; printf hi; pad 2; tarend; } >dir-with-data.tar
try dir-with-data
{ capstart; member kernel/x hi; member kernel/x ho; tarend; } >duplicate.tar
try duplicate
{ capstart; member kernel/x hi; dir kernel/x; tarend; } >file-then-dir.tar
try file-then-dir
{ capstart; member kernel/x hi; member kernel/x/y hi; tarend; } >through-file.tar
try through-file
{ capstart; member ioas-capture.txt hi; tarend; } >header-twice.tar
try header-twice
{ capstart; pax path "$(printf 'd/%.0s' $(seq 65))x"; member x hi; tarend; } >too-deep.tar
try too-deep
{ capstart; pax path "kernel/$(printf 'x%.0s' $(seq 256))/y"; member x hi; tarend; } >component-too-long.tar
try component-too-long
{ member kernel/x hi; capstart; tarend; } >no-header-first.tar
try no-header-first
{ member ioas-capture.txt "hello
"; tarend; } >header-wrong.tar
try header-wrong
{ member ioas-capture.txt "ioas-capture 2
"; tarend; } >format-newer.tar
try format-newer
{ capstart; tarend; printf junk; } >junk-after-end.tar
try junk-after-end
{ capstart; H_MAGIC='ustar  \0' member kernel/x hi; tarend; } >gnu-magic.tar
try gnu-magic
{ capstart; H_MAGIC='ustaR\000000' member kernel/x hi; tarend; } >bad-magic.tar
try bad-magic
{ capstart; pax size 99; member kernel/x hi; tarend; } >pax-size.tar
try pax-size
{ capstart; r='7 path
'; hdr PaxHeaders/x x ${#r}; printf '%s' "$r"; pad ${#r}; member kernel/x hi; tarend; } >pax-malformed.tar
try pax-malformed
{ capstart; pax path ../../etc/x; member kernel/x hi; tarend; } >pax-dotdot.tar
try pax-dotdot
{ capstart; pax linkpath ../../../../etc; link kernel/l x; tarend; } >pax-link-escape.tar
try pax-link-escape
{ capstart; pax path kernel/x; pax path kernel/y; member kernel/x hi; tarend; } >pax-twice.tar
try pax-twice
{ capstart; pax path kernel/x; tarend; } >pax-at-end.tar
try pax-at-end
: >empty.tar
try empty
echo hello >text.tar
try text
tarend >only-zeros.tar
try only-zeros
{ capstart; tarend; } | gzip -n >compressed.tar
try compressed
