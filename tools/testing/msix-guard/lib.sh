# SPDX-License-Identifier: GPL-2.0-only
# Shared by the msix-guard test scripts: paths, the build cache, and the
# Debian packages everything is built from.  Source it; it sets no options.

MSIXG_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
# Heavy trees (kernel sources, build dirs, kernel images) live outside the
# clone, so CI and later runs reuse them.
MSIXG_CACHE=${MSIXG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/msix-guard}
MSIXG_JOBS=${MSIXG_JOBS:-$(nproc)}

# Every apt and dpkg call waits this long for the dpkg lock (an unattended
# upgrade or another apt run may hold it) instead of failing at once.
MSIXG_LOCK_TIMEOUT=${MSIXG_LOCK_TIMEOUT:-600}

msixg_log() { printf '[msix-guard] %s\n' "$*" >&2; }
msixg_die() { printf '[msix-guard] FATAL: %s\n' "$*" >&2; exit 1; }

# msixg_locked LOCKFILE CMD...: CMD (a command or a function, run in this
# shell so the variables it sets stay set) while holding LOCKFILE.  check.sh
# runs two suites at a time: whatever they both may prepare in the cache
# (kernel images, apt state, the trixie root, the grafted source tree) is
# prepared under a lock, by one of them, while the other waits.
msixg_locked() {
	local lock=$1
	shift
	mkdir -p "$(dirname "$lock")"
	{
		flock -w "$MSIXG_LOCK_TIMEOUT" 9 ||
			msixg_die "$lock: still held by another suite after ${MSIXG_LOCK_TIMEOUT}s"
		"$@"
	} 9>"$lock"
}
MSIXG_LOCKS=$MSIXG_CACHE/locks

# Packages installed only when missing, so a warm machine runs no apt at all.
msixg_need_pkgs() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	msixg_locked "$MSIXG_LOCKS/apt" msixg_apt_install "${missing[@]}"
}

msixg_apt_install() {
	msixg_log "installing: $*"
	if [ -z "${MSIXG_APT_UPDATED:-}" ]; then
		msixg_apt update -q >&2 || msixg_die "apt-get update failed"
		export MSIXG_APT_UPDATED=1
	fi
	DEBIAN_FRONTEND=noninteractive msixg_apt install -y -q \
		--no-install-recommends "$@" >&2 ||
		msixg_die "apt-get install $* failed"
}

# apt-get, waiting for the dpkg lock.
msixg_apt() {
	apt-get -o DPkg::Lock::Timeout="$MSIXG_LOCK_TIMEOUT" "$@"
}

# dpkg, waiting for its lock: dpkg itself has no timeout option, so retry
# for as long as the lock is what makes it fail.
msixg_dpkg() {
	local deadline=$((SECONDS + MSIXG_LOCK_TIMEOUT)) out rc
	while :; do
		rc=0
		out=$(DEBIAN_FRONTEND=noninteractive dpkg "$@" 2>&1) || rc=$?
		printf '%s\n' "$out" >&2
		[ $rc -ne 0 ] && [ $SECONDS -lt $deadline ] &&
			grep -q 'dpkg frontend lock\|lock-frontend\|dpkg status database is locked' <<<"$out" ||
			return $rc
		msixg_log "dpkg is locked by another process; waiting"
		sleep 5
	done
}

# python3 from Debian (what the scripts install), whatever else is on PATH.
msixg_python() {
	msixg_need_pkgs python3
	/usr/bin/python3 "$@"
}

# The kernel release a Debian meta-package points at, e.g.
# linux-image-6.12-amd64 -> 6.12.117+deb12-amd64.  Exact versions move as
# Debian updates, so they are never hard-coded.
msixg_kernel_release() {
	local meta=$1 rel
	rel=$(apt-cache depends "$meta" 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-//p' | head -n1)
	if [ -z "$rel" ] && [ -z "${MSIXG_APT_UPDATED:-}" ]; then
		msixg_locked "$MSIXG_LOCKS/apt" msixg_apt update -q >&2 &&
			export MSIXG_APT_UPDATED=1
		rel=$(apt-cache depends "$meta" 2>/dev/null |
			sed -n 's/^ *Depends: linux-image-//p' | head -n1)
	fi
	[ -n "$rel" ] || msixg_die "cannot resolve the kernel behind $meta"
	echo "${rel%-unsigned}"
}

# Debian kernel lines the harness boots.  6.x come from this host's
# (bookworm's) apt sources; 7.x from trixie-backports, through a private apt
# configuration in the cache (the host's own sources are never touched), and
# their modules are built in a Debian 13 root: their headers need gcc-14 and
# kbuild tools linked against glibc >= 2.38.
MSIXG_LINES_TRIXIE="7.3 7.2"

msixg_image_meta() {
	case $1 in
	6.12) echo linux-image-6.12-amd64 ;;
	6.1) echo linux-image-amd64 ;;
	*) msixg_die "unknown kernel line '$1' (6.12, 6.1, 7.3 or 7.2)" ;;
	esac
}

# apt-get/apt-cache on trixie + trixie-backports, with state in the cache.
MSIXG_APT_TRIXIE=$MSIXG_CACHE/apt-trixie
msixg_trixie_apt() {
	local tool=$1 d=$MSIXG_APT_TRIXIE
	shift
	"$tool" -o Dir::Etc::SourceList="$d/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$d/lists" \
		-o Dir::Cache="$d/cache" -o Dir::State::Status=/dev/null \
		-o APT::Architectures::=amd64 -o APT::Sandbox::User=root \
		-o Debug::NoLocking=1 "$@"
}

msixg_trixie_apt_update() {
	[ -n "${MSIXG_TRIXIE_UPDATED:-}" ] && return 0
	msixg_locked "$MSIXG_LOCKS/trixie-apt" msixg_trixie_apt_update_locked
	export MSIXG_TRIXIE_UPDATED=1
}

msixg_trixie_apt_update_locked() {
	mkdir -p "$MSIXG_APT_TRIXIE"/{lists/partial,cache/archives/partial}
	cat > "$MSIXG_APT_TRIXIE/sources.list" <<-EOF
	deb http://deb.debian.org/debian trixie main
	deb http://deb.debian.org/debian trixie-backports main
	EOF
	# Once per run of make check is plenty: lists younger than 6 hours stay.
	if [ -z "$(find "$MSIXG_APT_TRIXIE/lists" -maxdepth 1 -name '*_Packages*' \
			-mmin -360 2>/dev/null | head -n1)" ]; then
		msixg_trixie_apt apt-get update -q >&2 ||
			msixg_die "apt-get update (trixie, private configuration) failed"
	fi
}

# The newest amd64 release of a 7.x line in trixie-backports.
msixg_trixie_release() {
	local rel re
	msixg_trixie_apt_update
	re="^linux-headers-${1//./\\.}\\.[0-9]+\\+deb13-amd64\$"
	rel=$(msixg_trixie_apt apt-cache pkgnames "linux-headers-$1." |
		grep -E "$re" | sed 's/^linux-headers-//' | sort -V | tail -n1)
	[ -n "$rel" ] || msixg_die "no $1 kernel in trixie-backports"
	echo "$rel"
}

# msixg_chroot ROOT [SRC:DST...] -- CMD...: run CMD in ROOT with /proc,
# /sys, /dev and each SRC (bound at ROOT/DST) mounted, in private mount and
# PID namespaces, so no mount or process outlives it however it ends.
msixg_chroot() {
	local root=$1 binds=()
	shift
	while [ "$1" != -- ]; do
		binds+=("$1")
		shift
	done
	shift
	msixg_need_pkgs util-linux mount
	unshare --mount --propagation private --pid --fork --kill-child /bin/bash -c '
		root=$1 n=$2
		shift 2
		mount -t proc proc "$root/proc" &&
		mount -t sysfs sysfs "$root/sys" &&
		mount --rbind /dev "$root/dev" || exit 1
		while [ "$n" -gt 0 ]; do
			mkdir -p "$root/${1#*:}" &&
			mount --bind "${1%%:*}" "$root/${1#*:}" || exit 1
			n=$((n - 1))
			shift
		done
		exec chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb \
			PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"
	' msixg-chroot "$root" ${#binds[@]} "${binds[@]}" "$@"
}

# The Debian 13 root where 7.x modules, DKMS packages and UML kernels are
# built: made once with debootstrap (a few minutes), kept in the cache.
MSIXG_TRIXIE=$MSIXG_CACHE/trixie-root
msixg_prepare_trixie_root() {
	msixg_locked "$MSIXG_LOCKS/trixie-root" msixg_prepare_trixie_root_locked
}

msixg_prepare_trixie_root_locked() {
	if [ ! -e "$MSIXG_TRIXIE/.ready" ]; then
		msixg_need_pkgs debootstrap
		msixg_log "debootstrap --variant=minbase trixie into $MSIXG_TRIXIE (once)"
		rm -rf --one-file-system "$MSIXG_TRIXIE"
		debootstrap --variant=minbase trixie "$MSIXG_TRIXIE" \
			http://deb.debian.org/debian >&2 ||
			msixg_die "debootstrap trixie failed"
		cat > "$MSIXG_TRIXIE/etc/apt/sources.list" <<-EOF
		deb http://deb.debian.org/debian trixie main
		deb http://deb.debian.org/debian trixie-backports main
		EOF
		touch "$MSIXG_TRIXIE/.ready"
	fi
	cp /etc/resolv.conf "$MSIXG_TRIXIE/etc/resolv.conf"
}

# msixg_root_need_pkgs PKG...: msixg_need_pkgs inside the trixie root.
msixg_root_need_pkgs() {
	local missing=() p
	msixg_prepare_trixie_root
	for p in "$@"; do
		chroot "$MSIXG_TRIXIE" dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	msixg_locked "$MSIXG_LOCKS/trixie-root" msixg_root_apt_install "${missing[@]}"
}

msixg_root_apt_install() {
	msixg_log "installing in the trixie root: $*"
	msixg_chroot "$MSIXG_TRIXIE" -- /bin/sh -c \
		'apt-get -o DPkg::Lock::Timeout=600 update -q &&
		 DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
			install -y -q --no-install-recommends "$@"' sh "$@" >&2 ||
		msixg_die "apt-get install $* in the trixie root failed"
}

# Sets KREL, KDIR (headers), KIMAGE (vmlinuz) and KMODS (its modules) for a
# kernel line, and KROOT: empty for a line built on this host, else the
# root it is built in (KDIR is then a path inside it).  The image is
# unpacked into the cache, never installed.  The lock lives in the kernels
# directory because the fresh suite's root shares that directory.
msixg_prepare_kernel() {
	msixg_locked "$MSIXG_CACHE/kernels/.lock" msixg_prepare_kernel_locked "$@"
}

msixg_prepare_kernel_locked() {
	local line=$1 kroot deb
	msixg_need_pkgs kmod xz-utils gcc make libelf-dev libc6-dev
	case " $MSIXG_LINES_TRIXIE " in
	*" $line "*)
		msixg_prepare_kernel_trixie "$line"
		return
		;;
	esac
	KROOT=
	KREL=$(msixg_kernel_release "$(msixg_image_meta "$line")")
	msixg_need_pkgs "linux-headers-$KREL"
	KDIR=/usr/src/linux-headers-$KREL
	kroot=$MSIXG_CACHE/kernels/$KREL
	if [ ! -e "$kroot/.unpacked" ]; then
		msixg_log "fetching linux-image-$KREL"
		rm -rf "$kroot" && mkdir -p "$kroot"
		(cd "$kroot" && { msixg_apt download -q "linux-image-$KREL-unsigned" ||
			msixg_apt download -q "linux-image-$KREL"; }) >&2 ||
			msixg_die "cannot download linux-image-$KREL"
		deb=$(ls "$kroot"/linux-image-*.deb | head -n1)
		dpkg-deb -x "$deb" "$kroot/root"
		rm -f "$deb"
		# The image package ships no modules.dep.
		depmod -b "$kroot/root" "$KREL"
		touch "$kroot/.unpacked"
	fi
	KIMAGE=$kroot/root/boot/vmlinuz-$KREL
	KMODS=$kroot/root/lib/modules/$KREL
}

# 7.x: the image is split in three packages (kernel, modules, base files),
# all under usr/lib/modules/REL.
msixg_prepare_kernel_trixie() {
	local line=$1 kroot p deb
	KREL=$(msixg_trixie_release "$line")
	KROOT=$MSIXG_TRIXIE
	msixg_root_need_pkgs make gcc-14 libc6-dev libelf-dev kmod \
		"linux-headers-$KREL"
	KDIR=/usr/src/linux-headers-$KREL
	kroot=$MSIXG_CACHE/kernels/$KREL
	if [ ! -e "$kroot/.unpacked" ]; then
		msixg_log "fetching the $KREL image from trixie-backports"
		rm -rf "$kroot" && mkdir -p "$kroot"
		for p in binary-unsigned modules base; do
			(cd "$kroot" && msixg_trixie_apt apt-get download -q \
				"linux-$p-$KREL") >&2 ||
				msixg_die "cannot download linux-$p-$KREL"
		done
		for deb in "$kroot"/*.deb; do
			dpkg-deb -x "$deb" "$kroot/root"
		done
		rm -f "$kroot"/*.deb
		depmod -b "$kroot/root/usr" "$KREL"
		touch "$kroot/.unpacked"
	fi
	KMODS=$kroot/root/usr/lib/modules/$KREL
	# linux-binary-unsigned names it vmlinuz.unsigned, linux-binary vmlinuz.
	KIMAGE=$KMODS/vmlinuz
	[ -e "$KIMAGE" ] || KIMAGE=$KMODS/vmlinuz.unsigned
}

# msixg_kmake DIR ARGS...: make in DIR (under $KROOT when that is set)
# against $KDIR, on this host or in the build root.
msixg_kmake() {
	local dir=$1
	shift
	if [ -n "$KROOT" ]; then
		msixg_chroot "$KROOT" -- make -C "${dir#"$KROOT"}" KDIR="$KDIR" "$@"
	else
		make -C "$dir" KDIR="$KDIR" "$@"
	fi
}

# Build the driver against $KDIR in a copy of the tree under the cache (one
# per kernel, so builds for different kernels never share objects; in the
# build root for 7.x).  Prints the path of the .ko.
msixg_build_module() {
	local out=$MSIXG_CACHE/build/$KREL
	[ -n "$KROOT" ] && out=$KROOT/root/build/$KREL
	msixg_copy_sources "$out"
	msixg_kmake "$out" -s modules >&2 ||
		msixg_die "module build against $KREL failed"
	echo "$out/drivers/vfio/pci/msix-guard/msix-guard-vfio-pci.ko"
}

# msixg_copy_sources DIR: the files a module build needs (Kbuild, Makefile,
# dkms.conf, drivers/), without build products, copied into DIR with their
# times kept, so kbuild in DIR rebuilds only what changed since last time.
msixg_copy_sources() {
	mkdir -p "$1"
	rm -rf "$1/drivers/vfio/pci/msix-guard"/*.[ch]
	tar -C "$MSIXG_REPO" -cf - --exclude='*.o' --exclude='*.ko' \
		--exclude='.*.cmd' --exclude='*.mod*' --exclude='*.order' \
		--exclude='*.symvers' Kbuild Makefile dkms.conf drivers include |
		tar -C "$1" -xf -
}

# The VFIO stack modules of the image, in load order, decompressed into $1.
msixg_stage_vfio_modules() {
	local dest=$1 m f name
	mkdir -p "$dest"
	: > "$dest/order"
	for m in $(modprobe -d "${KMODS%/lib/modules/*}" -S "$KREL" \
			--show-depends vfio-pci | awk '/^insmod/ {print $2}'); do
		name=$(basename "$m")
		case $name in
		*.ko.xz) xz -dc "$m" > "$dest/${name%.xz}"; name=${name%.xz} ;;
		*.ko.zst) msixg_need_pkgs zstd; zstd -qdc "$m" > "$dest/${name%.zst}"; name=${name%.zst} ;;
		*) cp "$m" "$dest/$name" ;;
		esac
		grep -qx "$name" "$dest/order" || echo "$name" >> "$dest/order"
	done
	[ -s "$dest/order" ] || msixg_die "no vfio-pci modules in $KMODS"
}

# msixg_build_guest_prog OUT SRC...: a static guest program.
msixg_build_guest_prog() {
	local out=$1
	shift
	msixg_need_pkgs gcc libc6-dev linux-libc-dev
	gcc -static -pthread -O2 -Wall -Wextra -Werror -o "$out" "$@" ||
		msixg_die "building $out failed"
}

# msixg_stage_vm WORK FLOW [KO]: WORK/vm.cpio.gz, a busybox initramfs
# with the VFIO modules of $KREL (none when KMODS is empty: a kernel with
# VFIO built in), msix-guard (KO, or built now against $KDIR), the guest
# test programs, and FLOW as the guest's /flow.sh.  Files placed in
# WORK/root beforehand come along.
msixg_stage_vm() {
	local work=$1 flow=$2 ko=${3:-}
	local sel=$MSIXG_REPO/tools/testing/selftests/vfio/msix-guard
	mkdir -p "$work/root/lib/modules"
	[ -n "$ko" ] || ko=$(msixg_build_module)
	[ -z "${KMODS:-}" ] || msixg_stage_vfio_modules "$work/root/lib/modules"
	case $ko in
	*.xz) xz -dc "$ko" > "$work/root/lib/modules/msix-guard-vfio-pci.ko" ;;
	*) cp "$ko" "$work/root/lib/modules/msix-guard-vfio-pci.ko" ;;
	esac
	msixg_build_guest_prog "$work/root/msix_guard_test" \
		"$sel/msix_guard_test.c" "$sel/vfio_dev.c"
	msixg_build_guest_prog "$work/root/msix_guard_parity" \
		"$sel/parity.c" "$sel/vfio_dev.c"
	msixg_build_guest_prog "$work/root/msix_guard_observe" \
		"$sel/observe.c" "$sel/vfio_dev.c"
	msixg_build_guest_prog "$work/root/msix_guard_faults" \
		"$sel/faults.c" "$sel/vfio_dev.c"
	msixg_build_guest_prog "$work/root/msix_guard_vmm" \
		"$sel/vmm.c" "$sel/vfio_dev.c"
	msixg_build_guest_prog "$work/root/msix_guard_devfaults" \
		"$sel/device_faults.c" "$sel/vfio_dev.c"
	msixg_build_guest_prog "$work/root/msixg" \
		"$MSIXG_REPO/tools/msix-guard/msixg.c"
	install -m755 "$sel/init" "$work/root/init"
	cp "$sel/msixg.sh" "$work/root/lib/msixg.sh"
	cp "$flow" "$work/root/flow.sh"
	cp "$sel"/flow-*.sh "$work/root/"
	msixg_make_initramfs "$work/root" "$work/vm.cpio.gz"
}

# msixg_stage_debug_vm WORK FLOW: the debug kernel (built now if its
# sources or config changed) as KIMAGE, and a new WORK/vm.cpio.gz with its
# msix-guard module, its KUnit module (/lib/modules/msix-guard-kunit.ko,
# for the flow to load) and FLOW; VFIO is built into that kernel.
msixg_stage_debug_vm() {
	local work=$1 flow=$2 mods
	KIMAGE=$("$MSIXG_REPO/tools/testing/msix-guard/debug-kernel.sh") ||
		msixg_die "no debug kernel"
	mods=$MSIXG_CACHE/debug-x86_64/drivers/vfio/pci/msix-guard
	KMODS=
	rm -rf "$work" && mkdir -p "$work/root/lib/modules"
	cp "$mods/msix-guard-kunit.ko" "$work/root/lib/modules/" ||
		msixg_die "the debug kernel's KUnit module is missing"
	msixg_stage_vm "$work" "$flow" "$mods/msix-guard-vfio-pci.ko"
}

# msixg_stage_qemu DIR: this host's (Debian's) qemu-system-x86_64 with the
# libraries and firmware it loads, at their own paths under DIR, for a VM
# that runs QEMU itself (the vmm flow).
msixg_stage_qemu() {
	local dir=$1 qemu=/usr/bin/qemu-system-x86_64 f
	msixg_need_pkgs qemu-system-x86 libc-bin
	for f in $qemu $(ldd "$qemu" | sed -n 's/.*=> \(\/[^ ]*\) .*/\1/p;s/^\t\(\/[^ ]*\) .*/\1/p') \
		/usr/lib/x86_64-linux-gnu/qemu/accel-tcg-x86_64.so \
		/usr/share/qemu/kvmvapic.bin /usr/share/seabios/bios-256k.bin; do
		mkdir -p "$dir$(dirname "$f")"
		cp -L "$f" "$dir$f" || msixg_die "cannot stage $f"
	done
	# QEMU finds its firmware next to its binary, in ../share/qemu.
	ln -sf ../seabios/bios-256k.bin "$dir/usr/share/qemu/bios-256k.bin"
}

# msixg_make_initramfs DIR OUT: busybox + everything already placed in DIR.
msixg_make_initramfs() {
	local dir=$1 out=$2
	msixg_need_pkgs busybox-static cpio gzip
	mkdir -p "$dir"/{bin,proc,sys,dev,tmp}
	cp /bin/busybox "$dir/bin/busybox"
	(cd "$dir" && find . | cpio -o -H newc --quiet | gzip -1) > "$out"
}

# msixg_boot OUT_PREFIX TIMEOUT KERNEL_ARGS -- QEMU_DEVICE_ARGS...
# Boots the image with the initramfs $OUT_PREFIX.cpio.gz; the serial console
# goes to $OUT_PREFIX.console, QEMU's MMIO trace to $OUT_PREFIX.trace.
msixg_boot() {
	local prefix=$1 tmo=$2 append=$3 rc tries=0
	shift 4
	msixg_need_pkgs qemu-system-x86
	while :; do
		rc=0
		msixg_qemu "$prefix" "$tmo" "$append" "$@" || rc=$?
		if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
			msixg_log "VM timed out after ${tmo}s"
		fi
		# Debian's kernels very rarely die under TCG before /init (an
		# int3 oops in early boot was seen once), before anything of
		# the test has run.  Boot once more then; a kernel that cannot
		# reach /init twice fails the suite.
		if grep -aq 'MSIXG BOOT' "$prefix.console" || [ $tries -ge 1 ]; then
			return $rc
		fi
		tries=$((tries + 1))
		mv "$prefix.console" "$prefix.console.died-before-init"
		echo "[msix-guard] the guest kernel died before /init" \
			"(kept as $prefix.console.died-before-init); booting it once more"
		msixg_log "the guest kernel died before /init; booting it once more"
	done
}

# One QEMU run for msixg_boot().
msixg_qemu() {
	local prefix=$1 tmo=$2 append=$3
	shift 3
	timeout --foreground -k 10 "$tmo" qemu-system-x86_64 \
		-machine q35 -accel tcg -cpu max -m 1G -smp 2 \
		-nographic -no-reboot -nic none -serial "file:$prefix.console" \
		-monitor none -display none -vga none \
		-device intel-iommu,intremap=on \
		-chardev null,id=msixgmark -device isa-debugcon,iobase=0xe9,chardev=msixgmark \
		-kernel "$KIMAGE" -initrd "$prefix.cpio.gz" \
		-append "console=ttyS0 panic=-1 oops=panic intel_iommu=on loglevel=4 $append" \
		-trace 'memory_region_ops_read' -trace 'memory_region_ops_write' \
		-d guest_errors \
		-D "$prefix.trace" \
		"$@" </dev/null >"$prefix.qemu" 2>&1
}

# Checks counted by the scripts that are not test programs themselves.
MSIXG_PASS=0
MSIXG_FAIL=0
# msixg_ok NAME CMD...: run CMD; its exit status is the result.
msixg_ok() {
	local name=$1
	shift
	if "$@"; then
		echo "ok   $name"
		MSIXG_PASS=$((MSIXG_PASS + 1))
	else
		echo "FAIL $name"
		MSIXG_FAIL=$((MSIXG_FAIL + 1))
	fi
}

# msixg_add_counts LOG: add the "N passed, N failed" of another run's log.
msixg_add_counts() {
	local line p f
	line=$(grep -E '^[^ ]+: [0-9]+ passed, [0-9]+ failed$' "$1" | tail -n1)
	if [ -z "$line" ]; then
		MSIXG_FAIL=$((MSIXG_FAIL + 1))
		return
	fi
	read -r p f < <(sed 's/^[^ ]*: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/' <<<"$line")
	MSIXG_PASS=$((MSIXG_PASS + p))
	MSIXG_FAIL=$((MSIXG_FAIL + f))
}

msixg_summary() {
	echo "$1: $MSIXG_PASS passed, $MSIXG_FAIL failed"
	[ "$MSIXG_FAIL" -eq 0 ]
}
