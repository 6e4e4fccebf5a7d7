#!/bin/busybox sh
# /init of the kernel differential suite's initramfs (tests/kernel/README.md).
#
# Loads the modules listed in /modules.order, binds the test devices to
# vfio-pci, generates scenarios from this guest's own sysfs (ioas gen), runs
# each one on the kernel (ioas sim --backend kernel) and on the engine, and
# compares the --brief outputs line by line. Prints the disagreeing
# scenarios in full, one summary line, and powers off.
#
# Kernel command line (set by run.sh):
#   ioas.config=NAME      configuration name for the summary line
#   ioas.profile=P        type1 | iommufd
#   ioas.count=N          random scenarios (default 200)
#   ioas.seed=S           first seed (default 1)
#   ioas.unsafe=0|1       scenarios say unsafe-interrupts (virtio-iommu and
#                         GICv2m have no interrupt isolation)
#   ioas.irqremap=0       groups say irq-remap=no (GICv2m: sysfs cannot show
#                         it; virtio-iommu is recognised from sysfs)
#   ioas.verbose=1        print every scenario's outputs, not only mismatches
#   ioas.verbose=2        also print each scenario before it runs (hangs)
/bin/busybox mkdir -p /proc /sys /dev /tmp /bin /sbin
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
exec >/dev/console 2>&1

arg() { # value of ioas.<name>= on the kernel command line, or $2
	for w in $(cat /proc/cmdline); do
		case "$w" in ioas.$1=*) echo "${w#*=}"; return;; esac
	done
	echo "$2"
}
CONFIG=$(arg config unknown)
PROFILE=$(arg profile type1)
COUNT=$(arg count 200)
SEED=$(arg seed 1)
UNSAFE=$(arg unsafe 0)
IRQREMAP=$(arg irqremap 1)
VERBOSE=$(arg verbose 0)
echo "KDIFF-BEGIN config=$CONFIG profile=$PROFILE kernel=$(uname -r)"

if [ -f /modules.order ]; then
	for m in $(cat /modules.order); do
		insmod /lib/modules/$m.ko >/tmp/insmod.log 2>&1 ||
			echo "KDIFF-NOTE insmod $m: $(tr '\n' ' ' </tmp/insmod.log)"
	done
fi

# Test devices, by vendor:device: e1000e, QEMU edu, virtio-rng, xHCI, and
# on arm64 virt the pci-testdev. Each is bound to vfio-pci.
DEVS=
for d in /sys/bus/pci/devices/*; do
	id=$(cut -c3- $d/vendor):$(cut -c3- $d/device)
	case "$id" in
	8086:10d3|1234:11e8|1af4:1005|1af4:1044|1b36:000d|1b36:0005) ;;
	*) continue;;
	esac
	b=${d##*/}
	echo vfio-pci > $d/driver_override
	[ -e $d/driver ] && echo $b > $d/driver/unbind
	echo $b > /sys/bus/pci/drivers_probe 2>/dev/null
	drv=-; [ -e $d/driver ] && drv=$(basename $(readlink $d/driver))
	grp=-; [ -e $d/iommu_group ] && grp=$(basename $(readlink $d/iommu_group))
	echo "KDIFF-DEV bdf=$b id=$id driver=$drv group=$grp"
	echo "KDIFF-CFG bdf=$b hex=$(od -An -tx1 -v $d/config | tr -d ' \n')"
	[ "$drv" = vfio-pci ] && [ "$grp" != - ] && DEVS="$DEVS,$b"
done
DEVS=${DEVS#,}
echo "KDIFF-IOMMU units=$(ls /sys/class/iommu 2>/dev/null | tr '\n' ' ')"
for d in /sys/bus/pci/devices/*; do
	[ -e $d/iommu ] && echo "KDIFF-IOMMU dev=${d##*/} unit=$(basename $(readlink $d/iommu))"
done
# QEMU's DMAR table, for run.sh to add RMRRs to (intel-rmrr)
[ -r /sys/firmware/acpi/tables/DMAR ] &&
	echo "KDIFF-ACPI table=DMAR hex=$(od -An -tx1 -v /sys/firmware/acpi/tables/DMAR | tr -d ' \n')"
for g in /sys/kernel/iommu_groups/*; do
	[ -d "$g" ] || continue
	while read -r s e t; do
		echo "KDIFF-RESV group=${g##*/} $s $e $t"
	done < $g/reserved_regions
done

# The MSI doorbell from the device tree (arm64 virt has one MSI
# controller): a GICv3 ITS, else a GICv2m frame. Its base is the first cell
# pair of reg (#address-cells = 2 under the GIC node), big-endian.
DOORBELL=
for c in $(find /sys/firmware/devicetree/base -name compatible 2>/dev/null); do
	if grep -q 'arm,gic-v3-its' $c; then kind=its
	elif grep -q 'arm,gic-v2m-frame' $c; then kind=gicv2m
	else continue; fi
	DOORBELL=$kind=0x$(od -An -tx1 -N8 -v ${c%/compatible}/reg | tr -d ' \n')
	break
done
echo "KDIFF-MSI doorbell=${DOORBELL:-none}"

T1=/sys/module/vfio_iommu_type1/parameters
FD=/sys/module/iommufd/parameters
set_params() { # scenario file: dma-limit= and unsafe-interrupts of its space line
	sp=$(grep -m1 '^space ' "$1")
	lim=65535
	case "$sp" in *dma-limit=*) lim=${sp#*dma-limit=}; lim=${lim%% *};; esac
	u=N
	case "$sp" in *unsafe-interrupts*) u=Y;; esac
	[ -w $T1/dma_entry_limit ] && echo $lim > $T1/dma_entry_limit
	[ -w $T1/allow_unsafe_interrupts ] && echo $u > $T1/allow_unsafe_interrupts
	[ -w $FD/allow_unsafe_interrupts ] && echo $u > $FD/allow_unsafe_interrupts
}

mkdir -p /tmp/scn
scen=0; ops=0; agree=0; dis=0; bad=0
if [ -z "$DEVS" ]; then
	echo "KDIFF-ERROR no test device could be bound to vfio-pci with an IOMMU group"
	bad=1
else
	U=; [ "$UNSAFE" = 1 ] && U=--unsafe-interrupts
	[ "$IRQREMAP" = 0 ] && U="$U --no-irq-remap"
	[ -n "$DOORBELL" ] && U="$U --doorbell $DOORBELL"
	if [ -d /scn-extra ]; then
		# KDIFF_SCENARIOS given to run.sh: run those, generate nothing
		cp /scn-extra/*.scn /tmp/scn/
	else
	/ioas gen --profile $PROFILE --dev $DEVS --seed $SEED --count $COUNT $U --out /tmp/scn ||
		{ echo "KDIFF-ERROR ioas gen failed"; bad=1; }
	/ioas gen --profile $PROFILE --dev $DEVS --cases $U --out /tmp/scn ||
		{ echo "KDIFF-ERROR ioas gen --cases failed"; bad=1; }
	if [ "$UNSAFE" = 1 ]; then
		# The same cases without the parameter: the kernel's EPERM.
		mkdir -p /tmp/safe
		/ioas gen --profile $PROFILE --dev $DEVS --seed 900001 --count 2 ${U#--unsafe-interrupts} --out /tmp/safe &&
			for f in /tmp/safe/*.scn; do mv $f /tmp/scn/safe-${f##*/}; done
	fi
	fi
	echo "KDIFF-DEVS $DEVS scenarios=$(ls /tmp/scn | wc -l) t=$(cut -d' ' -f1 /proc/uptime)"
	for f in /tmp/scn/*.scn; do
		set_params "$f"
		echo "KDIFF-RUN ${f##*/}"
		[ "$VERBOSE" = 2 ] && sed 's/^/KDIFF-PRE /' "$f"
		timeout 120 /ioas sim --brief --backend kernel "$f" >/tmp/k.out 2>/tmp/k.err
		krc=$?
		timeout 120 /ioas sim --brief "$f" >/tmp/e.out 2>/tmp/e.err
		erc=$?
		# line-by-line agreement (a missing line disagrees)
		set -- $(awk 'NR==FNR { a[FNR] = $0; n = FNR; next }
			{ m = FNR; if (FNR in a && a[FNR] == $0) ok++ }
			END { t = n > m ? n : m; print t, ok + 0 }' /tmp/k.out /tmp/e.out)
		t=$1; ok=$2
		[ -s /tmp/k.out ] || t=$((t + 1))  # nothing ran: count it
		scen=$((scen + 1)); ops=$((ops + t)); agree=$((agree + ok))
		dis=$((dis + t - ok))
		if [ $ok != $t ] || [ $krc -ge 2 ] || [ "$VERBOSE" = 1 ]; then
			echo "KDIFF-SCENARIO ${f##*/} lines=$t agree=$ok kernel_rc=$krc engine_rc=$erc"
			sed 's/^/KDIFF-S /' "$f"
			paste -d'|' /tmp/k.out /tmp/e.out | awk -F'|' '{ printf "KDIFF-O %s %-40s | %s\n", ($1 == $2 ? " " : "!"), $1, $2 }'
			sed 's/^/KDIFF-KERR /' /tmp/k.err | head -n 40
			sed 's/^/KDIFF-EERR /' /tmp/e.err | head -n 20
		fi
	done
fi
# ioas show against the live kernel: every bound group alone and all of
# them together, type1 (and iommufd where /dev/iommu exists); each
# "kernel" line is one op that must agree.
if [ -n "$DEVS" ]; then
	u=N; [ "$UNSAFE" = 1 ] && u=Y
	[ -w $T1/allow_unsafe_interrupts ] && echo $u > $T1/allow_unsafe_interrupts
	[ -w $FD/allow_unsafe_interrupts ] && echo $u > $FD/allow_unsafe_interrupts
	GIDS=$(for b in $(echo $DEVS | tr , ' '); do
		basename $(readlink /sys/bus/pci/devices/$b/iommu_group); done |
		sort -un | tr '\n' , | sed 's/,$//')
	/ioas show --live --groups $GIDS >/tmp/show.out 2>&1
	src=$?
	sa=$(grep -c 'running kernel agrees' /tmp/show.out)
	sd=$(grep -c 'DIFFERS' /tmp/show.out)
	sn=$(grep -c 'cannot ask' /tmp/show.out)
	echo "KDIFF-SHOW groups=$GIDS rc=$src agree=$sa differ=$sd unasked=$sn"
	if [ $src != 0 ] || [ $sd != 0 ] || [ $sn != 0 ] || [ $sa = 0 ] || [ "$VERBOSE" = 1 ]; then
		sed 's/^/KDIFF-SHOWOUT /' /tmp/show.out
	fi
	ops=$((ops + sa + sd + sn)); agree=$((agree + sa)); dis=$((dis + sd + sn))
	# nothing asked, or show failed: one disagreement
	if [ $src != 0 ] || [ $sa = 0 ]; then ops=$((ops + 1)); dis=$((dis + 1)); fi
fi

# ioas explain and ioas check against the live kernel: for every bound
# device's group, the maps of the region-edge and aperture-top cases, each
# alone (map, unmap-all) on the kernel, beside explain's verdict and check's
# verdict on a one-range layout for the same range.
if [ -n "$DEVS" ]; then
	ea=0; ed=0; ca=0; cd=0
	for b in $(echo $DEVS | tr , ' '); do
		g=$(basename $(readlink /sys/bus/pci/devices/$b/iommu_group))
		rm -rf /tmp/ex; mkdir -p /tmp/ex
		/ioas gen --profile $PROFILE --dev $b --cases $U --out /tmp/ex >/dev/null 2>&1 || continue
		sed '/^attach/,$d' /tmp/ex/case-region-edges.scn > /tmp/ex/s.scn
		echo "attach $g" >> /tmp/ex/s.scn
		grep -h '^map 0x[0-9a-f]* 0x[0-9a-f]*$' /tmp/ex/case-region-edges.scn \
			/tmp/ex/case-top-and-wrap.scn | sort -u > /tmp/ex/maps
		while read -r m iova len; do
			echo "map $iova $len"; echo "unmap-all"
		done < /tmp/ex/maps >> /tmp/ex/s.scn
		set_params /tmp/ex/s.scn
		/ioas sim --brief --backend kernel /tmp/ex/s.scn > /tmp/ex/k.out 2>/tmp/ex/k.err
		# --brief prints one line per command: the header's, then
		# map and unmap-all in pairs
		n=$(sed '/^map/,$d' /tmp/ex/s.scn | grep -c '^[a-z]')
		# a group the kernel does not take: every verdict is the attach's
		att=$(sed -n "${n}p" /tmp/ex/k.out)
		while read -r m iova len; do
			n=$((n + 2))
			k=$(sed -n "$((n - 1))p" /tmp/ex/k.out)
			case "$att" in "err "*) k=$att;; esac
			case "$k" in ok*) k=ok;; "err "*) k=${k#err }; k=${k%% *};; *) k="?$k";; esac
			/ioas explain $iova+$len --groups $g > /tmp/ex/e.out 2>&1
			[ $? = 2 ] && continue  # not a range explain takes (wraps)
			v=$(grep "^  $PROFILE: " /tmp/ex/e.out)
			case "$v" in
			*"map would succeed"*) v=ok;;
			*"fails with "*) v=${v#*fails with }; v=${v%% *};;
			*) v="?";;
			esac
			if [ "$v" = "$k" ]; then ea=$((ea + 1)); else
				ed=$((ed + 1))
				echo "KDIFF-EXPLAIN group=$g range=$iova+$len kernel=$k explain=$v"
				sed 's/^/KDIFF-EXPLAINOUT /' /tmp/ex/e.out
			fi
			# ioas check on a one-range layout: fits for this
			# profile exactly when the kernel maps it
			echo "$iova+$len r" > /tmp/ex/layout
			/ioas check --groups $g --layout /tmp/ex/layout --json > /tmp/ex/c.out 2>&1
			crc=$?
			c=ok
			[ $crc = 1 ] && grep -q "\"profile\":\"\(both\|$PROFILE\)\"" /tmp/ex/c.out && c=err
			[ $crc -ge 2 ] && c="?rc$crc"
			kk=ok; [ "$k" = ok ] || kk=err
			if [ "$c" = "$kk" ]; then ca=$((ca + 1)); else
				cd=$((cd + 1))
				echo "KDIFF-CHECK group=$g range=$iova+$len kernel=$k check=$c"
				sed 's/^/KDIFF-CHECKOUT /' /tmp/ex/c.out
			fi
		done < /tmp/ex/maps
	done
	echo "KDIFF-EXPLAIN agree=$ea differ=$ed"
	echo "KDIFF-CHECK agree=$ca differ=$cd"
	ops=$((ops + ea + ed + ca + cd)); agree=$((agree + ea + ca))
	dis=$((dis + ed + cd))
	if [ $ea = 0 ] || [ $ca = 0 ]; then ops=$((ops + 1)); dis=$((dis + 1)); fi
fi

echo "KDIFF-TIME t=$(cut -d' ' -f1 /proc/uptime)"
echo "kernel-diff config=$CONFIG kernel=$(uname -r) scenarios=$scen ops=$ops agree=$agree disagree=$dis"
echo "KDIFF-END error=$bad"
poweroff -f
