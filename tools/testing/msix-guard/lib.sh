# SPDX-License-Identifier: GPL-2.0-only
# Shared by the msix-guard test scripts: paths, the build cache, and the
# Debian packages everything is built from.  Source it; it sets no options.

MSIXG_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
# Heavy trees (kernel sources, build dirs, kernel images) live outside the
# clone, so CI and later runs reuse them.
MSIXG_CACHE=${MSIXG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/msix-guard}
MSIXG_JOBS=${MSIXG_JOBS:-$(nproc)}

msixg_log() { printf '[msix-guard] %s\n' "$*" >&2; }
msixg_die() { printf '[msix-guard] FATAL: %s\n' "$*" >&2; exit 1; }

# Packages installed only when missing, so a warm machine runs no apt at all.
msixg_need_pkgs() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	msixg_log "installing: ${missing[*]}"
	if [ -z "${MSIXG_APT_UPDATED:-}" ]; then
		apt-get update -q >&2 || msixg_die "apt-get update failed"
		export MSIXG_APT_UPDATED=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends "${missing[@]}" >&2 ||
		msixg_die "apt-get install ${missing[*]} failed"
}

# The kernel release a Debian meta-package points at, e.g.
# linux-image-6.12-amd64 -> 6.12.117+deb12-amd64.  Exact versions move as
# Debian updates, so they are never hard-coded.
msixg_kernel_release() {
	local meta=$1 rel
	rel=$(apt-cache depends "$meta" 2>/dev/null |
		sed -n 's/^ *Depends: linux-image-//p' | head -n1)
	if [ -z "$rel" ] && [ -z "${MSIXG_APT_UPDATED:-}" ]; then
		apt-get update -q >&2 && export MSIXG_APT_UPDATED=1
		rel=$(apt-cache depends "$meta" 2>/dev/null |
			sed -n 's/^ *Depends: linux-image-//p' | head -n1)
	fi
	[ -n "$rel" ] || msixg_die "cannot resolve the kernel behind $meta"
	echo "${rel%-unsigned}"
}
