#!/bin/sh
# The kernel differential suite (tests/kernel/README.md): boot Linux 6.12
# under QEMU (TCG) in each configuration, generate scenarios in the guest
# from its own sysfs, run each on the kernel and on the engine, and compare.
# Prints TAP, one test point per configuration; a configuration QEMU cannot
# run is a SKIP with the reason, never a pass.
#
#   run.sh BUILDDIR [CONFIG...]
#
# BUILDDIR is a meson build directory of this tree (its tool/ioas objects
# are linked again, statically, for the guest). Environment:
#   IOAS_KERNEL_CACHE  kernels, modules and busybox, keyed by what built
#                      them (default /var/cache/ioas-kernel, else
#                      ~/.cache/ioas-kernel when that is not writable)
#   KDIFF_COUNT        random scenarios per configuration (default 200)
#   KDIFF_SEED         first seed (default 1)
#   KDIFF_TIMEOUT      seconds per boot (default 600)
#   KDIFF_JOBS         boots at once (default 2)
#   KDIFF_OUT          logs (default BUILDDIR/meson-logs/kernel-diff)
#   KDIFF_VERBOSE      1: the guest prints every scenario's outputs; 2: and
#                      each scenario before it runs (to find a hang)
#   KDIFF_SCENARIOS    a folder of .scn files the guest runs instead of
#                      generating (to reproduce a reported disagreement;
#                      dev= and group ids must be the guest's)
#   LINUX_SOURCE_DEB   linux-source-6.12 package to build the iommufd kernel
#                      from (default: apt-get download)
#   KERNEL_DEB_AMD64, KERNEL_DEB_ARM64   linux-image packages to use
#                      (default: apt-get download of the newest 6.12)
#
# Configurations: intel-aw39-type1 intel-aw48-type1 intel-rmrr-type1
# virtio-type1 (Debian's amd64 kernel), intel-aw39-iommufd intel-aw48-iommufd
# intel-rmrr-iommufd virtio-iommufd (a 6.12 with IOMMUFD built from Debian's
# linux-source-6.12), arm64-gic3-its-type1 arm64-gic2-v2m-type1 (Debian's
# arm64 kernel, qemu-system-aarch64 -M virt,iommu=smmuv3).
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$(cd "${1:?usage: run.sh BUILDDIR [CONFIG...]}" && pwd)
shift
ALL="intel-aw39-type1 intel-aw48-type1 intel-rmrr-type1 virtio-type1
     intel-aw39-iommufd intel-aw48-iommufd intel-rmrr-iommufd virtio-iommufd
     arm64-gic3-its-type1 arm64-gic2-v2m-type1"
[ $# -gt 0 ] && ALL="$*"
COUNT=${KDIFF_COUNT:-200}
SEED=${KDIFF_SEED:-1}
TIMEOUT=${KDIFF_TIMEOUT:-600}
JOBS=${KDIFF_JOBS:-2}
OUT=${KDIFF_OUT:-$BUILD/meson-logs/kernel-diff}
CACHE=${IOAS_KERNEL_CACHE:-/var/cache/ioas-kernel}
if ! mkdir -p "$CACHE" 2>/dev/null || [ ! -w "$CACHE" ]; then
	CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/ioas-kernel
	mkdir -p "$CACHE"
fi
mkdir -p "$OUT"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
t_start=$(date +%s)

log() { echo "# $*"; }

# Everything that is missing for a group of configurations, as a reason.
NO_X86=; NO_ARM=; NO_DEB_AMD64=; NO_IOMMUFD=; NO_DEB_ARM64=

# --- 1. QEMU ------------------------------------------------------------
qemu_ok() { # binary: "" if it runs, else why not
	if ! command -v "$1" >/dev/null 2>&1; then
		echo "$1 not found (Debian package ${2})"
	elif ! "$1" -version >/dev/null 2>&1; then
		echo "$1 does not start"
	fi
}
NO_X86=$(qemu_ok qemu-system-x86_64 qemu-system-x86)
NO_ARM=$(qemu_ok qemu-system-aarch64 qemu-system-arm)

# --- 2. the guest's ioas, linked statically from BUILDDIR's objects -------
# Debian has no static libpci: the guest's ioas gets pcinames.c compiled
# without it (numeric PCI ids only), linked ahead of the tool library so
# that the archive's libpci-using copy is never pulled in.
static_ioas() { # CC OUT BUILDDIR
	"$1" -c -O2 -std=c11 -D_GNU_SOURCE -o "$W/pcinames-nolib.o" \
		"$HERE/../../tool/pcinames.c" || return 1
	"$1" -static -o "$2" "$3/tool/ioas.p/ioas.c.o" "$W/pcinames-nolib.o" \
		-Wl,--start-group "$3/tool/libioastool.a" "$3/lib/libioas.a" \
		-ljansson -pthread -Wl,--end-group
}
IOAS_X86="$W/ioas-x86_64"
if ! static_ioas cc "$IOAS_X86" "$BUILD" 2>"$W/link.err"; then
	NO_X86=${NO_X86:-"FAIL: cannot link a static ioas: $(head -c 300 "$W/link.err" | tr '\n' ' ')"}
fi

# --- 3. kernels, from Debian's packages, cached --------------------------
lock() { exec 9>"$CACHE/.lock"; flock 9; }
unlock() { flock -u 9; }

newest_image() { # arch
	apt-cache search --names-only "^linux-image-6\.12\.[0-9]+\+deb12-$1-unsigned\$" 2>/dev/null |
		cut -d' ' -f1 | sort -V | tail -n1
}
# Debian linux-image for ARCH into $CACHE/debian-ARCH/PKG/{vmlinuz,root}
debian_kernel() { # arch deb-override -> prints the directory or fails
	a=$1; deb=$2; pkg=
	if [ -n "$deb" ]; then
		pkg=$(basename "$deb" .deb)
	else
		pkg=$(newest_image "$a")
		[ -n "$pkg" ] || pkg=$(ls "$CACHE/debian-$a" 2>/dev/null | sort -V | tail -n1)
	fi
	[ -n "$pkg" ] || { echo "no linux-image-6.12 package known for $a (apt-get update?)" >&2; return 1; }
	d="$CACHE/debian-$a/$pkg"
	if [ ! -f "$d/ok" ]; then
		rm -rf "$d"; mkdir -p "$d"
		if [ -z "$deb" ]; then
			spec=$pkg; [ "$a" = amd64 ] || spec="$pkg:$a"
			(cd "$d" && apt-get download -q "$spec" >/dev/null 2>"$d/apt.err") ||
				{ echo "apt-get download $spec failed: $(head -c 200 "$d/apt.err")" >&2; rm -rf "$d"; return 1; }
			deb=$(ls "$d"/*.deb | head -n1)
		fi
		dpkg-deb -x "$deb" "$d/root" || { rm -rf "$d"; return 1; }
		rm -f "$d"/*.deb
		v=$(ls "$d/root/boot" | sed -n 's/^vmlinuz-//p' | head -n1)
		cp "$d/root/boot/vmlinuz-$v" "$d/vmlinuz"
		touch "$d/ok"
	fi
	echo "$d"
}

x86_needed=0; arm_needed=0; fd_needed=0
for c in $ALL; do
	case "$c" in
	arm64-*) arm_needed=1;;
	*-iommufd) x86_needed=1; fd_needed=1;;
	*) x86_needed=1;;
	esac
done

lock
DEB_AMD64=
if [ $x86_needed = 1 ] && [ -z "$NO_X86" ]; then
	DEB_AMD64=$(debian_kernel amd64 "${KERNEL_DEB_AMD64:-}" 2>"$W/deb.err") ||
		NO_DEB_AMD64="Debian amd64 kernel: $(cat "$W/deb.err")"
fi

# The iommufd kernel: keyed by the config fragment, the build script and
# the source package version.
FD_KERNEL=; FD_BUILD=; FD_TARGET=; FD_T0=
if [ $fd_needed = 1 ] && [ -z "$NO_X86" ]; then
	if [ -n "${LINUX_SOURCE_DEB:-}" ]; then
		srcv=$(basename "$LINUX_SOURCE_DEB")
	else
		srcv=$(apt-cache policy linux-source-6.12 2>/dev/null | sed -n 's/ *Candidate: //p')
	fi
	if [ -z "$srcv" ] || [ "$srcv" = "(none)" ]; then
		# no package list: take the newest kernel already built, if any
		key=$(ls -t "$CACHE" 2>/dev/null | grep '^iommufd-x86-' | head -n1)
	else
		key=iommufd-x86-$(cat "$HERE/iommufd-x86.config" "$HERE/build-kernel.sh" |
			{ cat; echo "$srcv"; } | sha256sum | cut -c1-16)
	fi
	if [ -n "$key" ] && [ -f "$CACHE/$key/bzImage" ]; then
		FD_KERNEL="$CACHE/$key/bzImage"
	elif [ -z "$srcv" ] || [ "$srcv" = "(none)" ]; then
		NO_IOMMUFD="no linux-source-6.12 package known (apt-get update?) and no cached build"
	else
		# Built in the background while the configurations that do not
		# need it boot (fd_ready() waits for it); the cache lock is held
		# until then.
		log "building the iommufd kernel (once per machine; cached in $CACHE/$key)"
		FD_T0=$(date +%s)
		FD_TARGET="$CACHE/$key/bzImage"
		"$HERE/build-kernel.sh" "$FD_TARGET" "$HERE/iommufd-x86.config" \
			>"$OUT/build-kernel.log" 2>&1 &
		FD_BUILD=$!
	fi
fi

DEB_ARM64=; BB_ARM64=; IOAS_ARM64=
if [ $arm_needed = 1 ] && [ -z "$NO_ARM" ]; then
	. "$HERE/arm64.sh"
	arm64_prepare || true
fi
[ -n "$FD_BUILD" ] || unlock

# --- 4. initramfs images -------------------------------------------------
# busybox-static's binary (Debian's dynamic busybox would not run in the
# guest: the initramfs has no libc)
BB_X86=$(command -v busybox || true)
[ -n "$BB_X86" ] || NO_X86=${NO_X86:-"busybox not found (Debian package busybox-static)"}
RD_DEB=; RD_FD=
if [ -z "$NO_X86" ] && [ -n "$DEB_AMD64" ]; then
	RD_DEB="$W/initrd-deb.cpio.gz"
	md=$(ls -d "$DEB_AMD64"/root/lib/modules/* | head -n1)
	"$HERE/mkinitramfs.sh" "$RD_DEB" "$HERE/guest-init.sh" "$IOAS_X86" "$BB_X86" \
		"$md" virtio_iommu vfio_iommu_type1 vfio_pci 2>"$W/rd.err" ||
		NO_DEB_AMD64="FAIL: initramfs: $(cat "$W/rd.err")"
fi
# The iommufd kernel's initramfs, once the kernel is there (waits for a
# background build).
fd_ready() {
	if [ -n "$FD_BUILD" ]; then
		if wait "$FD_BUILD"; then
			FD_KERNEL=$FD_TARGET
			log "iommufd kernel built in $(( $(date +%s) - FD_T0 )) s"
		else
			NO_IOMMUFD="FAIL: building the iommufd kernel failed (see $OUT/build-kernel.log)"
		fi
		FD_BUILD=
		unlock
	fi
	if [ -z "$NO_X86" ] && [ -n "$FD_KERNEL" ] && [ -z "$RD_FD" ]; then
		RD_FD="$W/initrd-fd.cpio.gz"
		"$HERE/mkinitramfs.sh" "$RD_FD" "$HERE/guest-init.sh" "$IOAS_X86" "$BB_X86" ||
			NO_IOMMUFD="FAIL: initramfs failed"
	fi
}
[ -n "$FD_BUILD" ] || fd_ready

# --- 5. boot ---------------------------------------------------------------
X86_DEVS="-device e1000e -device edu -device virtio-rng-pci -device qemu-xhci,addr=10.0"
BASE="console=ttyS0 loglevel=3 panic=-1 ioas.count=$COUNT ioas.seed=$SEED ioas.verbose=${KDIFF_VERBOSE:-0}"

# boot CONFIG: runs QEMU, leaves $OUT/CONFIG.log; prints nothing
boot() {
	c=$1; rd=; kern=; prof=${c##*-}; unsafe=0
	case "$c" in
	*-iommufd) kern=$FD_KERNEL; rd=$RD_FD;;
	arm64-*) arm64_boot "$c"; return;;
	*) kern=$DEB_AMD64/vmlinuz; rd=$RD_DEB;;
	esac
	case "$c" in
	intel-aw48-*) M=q35,kernel-irqchip=split; IOMMU="-device intel-iommu,intremap=on,aw-bits=48"
		app="intel_iommu=on iommu=nopt";;
	intel-*) M=q35,kernel-irqchip=split; IOMMU="-device intel-iommu,intremap=on"
		app="intel_iommu=on iommu=nopt";;
	virtio-*) M=q35; IOMMU="-device virtio-iommu-pci"; app=; unsafe=1;;
	esac
	case "$c" in
	intel-rmrr-*)
		# QEMU's own DMAR (dumped by an intel-aw39 boot) plus two RMRRs:
		# direct-relaxable on the xHCI at 00:10.0 (USB: assignable) and
		# direct on the e1000e at 00:01.0 (refused by VFIO and iommufd).
		dm="$W/dmar.hex"
		if ! grep -qh '^KDIFF-ACPI table=DMAR' "$OUT"/intel-aw39-*.log 2>/dev/null; then
			# no intel-aw39 run: a boot that only dumps it
			timeout "$TIMEOUT" qemu-system-x86_64 -M "$M" -accel tcg -cpu max \
				-m 1024 -smp 1 -nodefaults -display none -serial stdio \
				-monitor none -no-reboot $IOMMU $X86_DEVS -kernel "$kern" \
				-initrd "$rd" -append "$BASE $app ioas.count=0 ioas.config=dmar-dump" \
				</dev/null >"$OUT/intel-aw39-dmar-dump.log" 2>&1
		fi
		grep -h '^KDIFF-ACPI table=DMAR' "$OUT"/intel-aw39-*.log 2>/dev/null | tr -d '\r' | head -n1 > "$dm"
		A="$W/acpi-$c"; mkdir -p "$A/kernel/firmware/acpi"
		python3 "$HERE/mkdmar.py" "$dm" "$A/kernel/firmware/acpi/DMAR.aml" \
			0x40000000:0x40ffffff:0:10.0 0x50000000:0x500fffff:0:01.0 2>"$OUT/$c.log" || return
		(cd "$A" && find kernel | cpio -o -H newc --quiet) > "$W/acpi-$c.cpio"
		cat "$W/acpi-$c.cpio" "$rd" > "$W/rd-$c.cpio.gz"
		rd="$W/rd-$c.cpio.gz";;
	esac
	# shellcheck disable=SC2086
	timeout "$TIMEOUT" qemu-system-x86_64 -M "$M" -accel tcg -cpu max -m 1024 -smp 1 \
		-nodefaults -display none -serial stdio -monitor none -no-reboot \
		$IOMMU $X86_DEVS -kernel "$kern" -initrd "$rd" \
		-append "$BASE $app ioas.config=$c ioas.profile=$prof ioas.unsafe=$unsafe" \
		</dev/null >"$OUT/$c.log" 2>&1
	echo "qemu_rc=$?" >>"$OUT/$c.log"
}

why_not() { # the reason CONFIG cannot run, or ""
	case "$1" in
	arm64-*) echo "${NO_ARM:-${NO_DEB_ARM64:-}}";;
	*-iommufd) echo "${NO_X86:-${NO_IOMMUFD:-}}";;
	*) echo "${NO_X86:-${NO_DEB_AMD64:-}}";;
	esac
}

# Configurations on Debian's kernels first (the iommufd kernel may still be
# building), each group with intel-aw39 first: intel-rmrr-* need the DMAR
# table an intel-aw39 boot dumps.
ORDER=
for c in $ALL; do case "$c" in *-iommufd) ;; intel-aw39-*) ORDER="$ORDER $c";; esac; done
for c in $ALL; do case "$c" in *-iommufd|intel-aw39-*) ;; *) ORDER="$ORDER $c";; esac; done
for c in $ALL; do case "$c" in intel-aw39-iommufd) ORDER="$ORDER $c";; esac; done
for c in $ALL; do case "$c" in intel-aw39-*) ;; *-iommufd) ORDER="$ORDER $c";; esac; done

pids=; running=0
for c in $ORDER; do
	case "$c" in *-iommufd) fd_ready;; esac
	[ -n "$(why_not "$c")" ] && continue
	case "$c" in intel-rmrr-*) [ -z "$pids" ] || wait $pids; pids=; running=0;; esac
	boot "$c" &
	pids="$pids $!"
	running=$((running + 1))
	if [ $running -ge "$JOBS" ]; then
		wait $pids
		pids=; running=0
	fi
done
[ -z "$pids" ] || wait $pids
fd_ready

# --- 6. TAP ----------------------------------------------------------------
n=0; fails=0
set -- $ALL
echo "1..$#"
for c in $ALL; do
	n=$((n + 1))
	r=$(why_not "$c")
	case "$r" in
	"") ;;
	FAIL:*) # our own step broke: a failure, not a skip
		fails=$((fails + 1))
		echo "not ok $n - $c: ${r#FAIL: }"
		continue;;
	*)	echo "ok $n - $c # SKIP qemu cannot run: $r"
		continue;;
	esac
	lf="$OUT/$c.log"
	if ! tr -d '\r' <"$lf" 2>/dev/null | grep -q '^KDIFF-BEGIN'; then
		# QEMU never got our /init running: it cannot run here (no
		# accelerator, a machine it lacks, no firmware, too slow). The
		# guest's own failures come after KDIFF-BEGIN and fail below.
		rc=$(sed -n 's/^qemu_rc=//p' "$lf" 2>/dev/null | tail -n1)
		why=$(grep -m1 -i 'qemu-system' "$lf" 2>/dev/null | grep -v 'has no peer' | cut -c1-200)
		[ "$rc" = 124 ] && why="the guest did not reach /init within ${TIMEOUT} s"
		echo "ok $n - $c # SKIP qemu cannot run: ${why:-qemu exited with status ${rc:-?} before the guest started} (log: $lf)"
		continue
	fi
	sum=$(tr -d '\r' <"$lf" | grep -m1 '^kernel-diff ')
	end=$(tr -d '\r' <"$lf" | grep -m1 '^KDIFF-END')
	scen=$(echo "$sum" | sed -n 's/.* scenarios=\([0-9]*\).*/\1/p')
	dis=$(echo "$sum" | sed -n 's/.* disagree=\([0-9]*\).*/\1/p')
	if [ -n "$sum" ] && [ "$end" = "KDIFF-END error=0" ] && [ "$dis" = 0 ] &&
		[ "${scen:-0}" -ge "$COUNT" ]; then
		echo "ok $n - $c: $sum"
	else
		fails=$((fails + 1))
		echo "not ok $n - $c: ${sum:-no summary line} (log: $lf)"
		tr -d '\r' <"$lf" | grep -E '^(KDIFF-(SCENARIO|S|O|KERR|EERR|ERROR|NOTE)|qemu_rc)' |
			head -n 400 | sed 's/^/# /'
		[ -n "$sum" ] || tail -n 30 "$lf" | sed 's/^/# /'
	fi
done
log "kernel-diff wall time $(( $(date +%s) - t_start )) s (cache $CACHE)"
exit 0
