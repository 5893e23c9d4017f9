#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The fresh-machine suite: do what the README tells a newcomer, in a
# minimal Debian 12 that has nothing else installed, from a fresh clone.
#
# The root is debootstrap --variant=minbase bookworm with Debian's three
# standard sources, unpacked anew from a cached tarball on every run.  Into
# it goes `git archive HEAD` of this checkout; inside it, as root with a
# clean environment: `apt-get install make` if make is missing (as the
# README says), `make demo`, and `tools/testing/msix-guard/check.sh e2e-6.12`.
# A command that a script runs without installing it fails here.
#
# Only downloads are shared with the host, since they are not what is being
# tested: the apt archive cache (.debs) and the unpacked kernel images.
#
# Every mount lives in a private mount namespace and every process in a
# private PID namespace (unshare -m -p --kill-child): when the suite ends,
# however (even SIGKILL), every process in the root dies with it and the
# mounts go with the last of them.  A trap also unmounts on every normal
# exit path, and the root is deleted only after that.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

top=$MSIXG_CACHE/fresh
root=$top/root
base=$top/bookworm-minbase.tar
mirror=http://deb.debian.org/debian
inner_log=$top/inner.log

# The commands a newcomer's minimal Debian 12 lacks and that the scripts
# therefore must install themselves; the check below proves the root is
# that bare before the run.
absent="make gcc python3 qemu-system-x86_64 busybox cpio rsync"

inner() {	# in the private mount namespace: build the root, run, tear down
	cleanup() {
		local m
		# Deepest first.
		for m in $(findmnt -rn -o TARGET | grep "^$root/" | sort -r); do
			umount -l "$m" 2>/dev/null
		done
	}
	trap cleanup EXIT
	trap 'exit 130' INT TERM

	rm -rf --one-file-system "$root" && mkdir -p "$root"
	tar -C "$root" -xf "$base" || msixg_die "cannot unpack $base"
	cat > "$root/etc/apt/sources.list" <<-EOF
	deb $mirror bookworm main
	deb $mirror bookworm-updates main
	deb http://deb.debian.org/debian-security bookworm-security main
	EOF
	cp /etc/resolv.conf "$root/etc/resolv.conf"

	mount -t proc proc "$root/proc"
	mount -t sysfs sysfs "$root/sys"
	mount --rbind /dev "$root/dev"
	mkdir -p "$top/archives/partial" "$MSIXG_CACHE/kernels" \
		"$root/root/.cache/msix-guard/kernels"
	mount --bind "$top/archives" "$root/var/cache/apt/archives"
	mount --bind "$MSIXG_CACHE/kernels" "$root/root/.cache/msix-guard/kernels"

	mkdir -p "$root/root/msix-guard"
	git -C "$MSIXG_REPO" archive HEAD | tar -C "$root/root/msix-guard" -xf - ||
		msixg_die "git archive HEAD failed"

	local missing=""
	for c in $absent; do
		chroot "$root" /bin/sh -c "command -v $c" >/dev/null && missing="$missing $c"
	done
	msixg_ok "the root is minimal (none of: $absent)" test -z "$missing"

	# What the README says, with nothing of the host's environment.  In the
	# background, so that a signal runs the trap at once, not after it.
	chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		/bin/bash -c '
		cd /root/msix-guard || exit 1
		command -v make >/dev/null ||
			{ apt-get update -q && apt-get install -y -q make; } > /root/make-install.log 2>&1
		t0=$SECONDS
		make demo > /root/demo.log 2>&1; echo "demo rc $?" > /root/demo.rc
		t1=$SECONDS
		tools/testing/msix-guard/check.sh e2e-6.12 > /root/e2e.log 2>&1
		echo "e2e rc $?" > /root/e2e.rc
		echo "make demo $((t1 - t0)) s, check.sh e2e-6.12 $((SECONDS - t1)) s" > /root/times
		' </dev/null &
	wait $!
	msixg_log "in the fresh root: $(cat "$root/root/times" 2>/dev/null)"
	cat "$root/root/times" 2>/dev/null

	cat "$root/root/make-install.log" "$root/root/demo.log" "$root/root/e2e.log" \
		> "$inner_log" 2>/dev/null
	msixg_ok "make demo exits 0" grep -qx 'demo rc 0' "$root/root/demo.rc"
	msixg_ok "make demo shows an adjacent register reaching the device" \
		grep -q 'write BAR1+0x[0-9a-f]* value 0x600dcafe (megasas' "$root/root/demo.log"
	msixg_ok "make demo shows the table write dropped" \
		grep -q 'trapped write of 4d534758 to the table: dropped' "$root/root/demo.log"
	msixg_ok "check.sh e2e-6.12 exits 0" grep -qx 'e2e rc 0' "$root/root/e2e.rc"
	msixg_ok "no 'command not found' anywhere" \
		bash -c "! grep -rh 'command not found' '$root/root/demo.log' '$root/root/e2e.log' \
			'$root/root/.cache/msix-guard/logs'"
	# The suite's own checks count too.
	grep -E '^(ok|FAIL) ' "$root/root/.cache/msix-guard/logs/e2e-6.12.log" \
		> "$top/e2e-checks" 2>/dev/null
	grep '^FAIL' "$top/e2e-checks"
	MSIXG_PASS=$((MSIXG_PASS + $(grep -c '^ok' "$top/e2e-checks")))
	MSIXG_FAIL=$((MSIXG_FAIL + $(grep -c '^FAIL' "$top/e2e-checks")))

	cleanup
	trap - EXIT
	msixg_ok "nothing left mounted in the root" \
		test -z "$(findmnt -rn -o TARGET | grep "^$root/")"
	rm -rf --one-file-system "$root"
	msixg_summary fresh
}

if [ "${1:-}" = --inner ]; then
	inner
	exit
fi

msixg_need_pkgs debootstrap util-linux mount tar git
if [ ! -s "$base" ]; then
	msixg_log "debootstrap --variant=minbase bookworm (once; kept as $base)"
	mkdir -p "$top"
	rm -rf --one-file-system "$top/base"
	debootstrap --variant=minbase bookworm "$top/base" "$mirror" >&2 ||
		msixg_die "debootstrap failed"
	tar -C "$top/base" -cf "$base.tmp" . && mv "$base.tmp" "$base"
	rm -rf --one-file-system "$top/base"
fi
# Mounts made in a private namespace vanish with it, even if this is killed.
exec unshare --mount --propagation private --pid --fork --kill-child "$0" --inner
