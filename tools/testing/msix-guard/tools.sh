#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# msixg on the machine running the tests, whatever PCI devices it has:
# builds with every warning an error (make tools), runs `msixg scan` as root
# and unprivileged without error, and its --json parses.  (Its layouts are
# checked exactly in the e2e VM, against QEMU's devices.)
set -uo pipefail
. "$(dirname "$0")/lib.sh"

msixg_need_pkgs gcc libc6-dev make util-linux python3
py=/usr/bin/python3
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$MSIXG_REPO"

msixg_ok "make tools: msixg builds with -Werror" \
	make -s -C tools/msix-guard clean msixg EXTRA_CFLAGS=-Werror
msixg=$MSIXG_REPO/tools/msix-guard/msixg
msixg_ok "msixg scan as root" bash -c "'$msixg' scan > '$out/root.txt'"
msixg_ok "msixg scan --json as root parses" bash -c \
	"'$msixg' scan --json | '$py' -c 'import json, sys; json.load(sys.stdin)'"
for ps in 16K 64K; do
	msixg_ok "msixg scan --json --page-size $ps parses" bash -c \
		"'$msixg' scan --json --page-size $ps | '$py' -c 'import json, sys; json.load(sys.stdin)'"
done
# Unprivileged, sysfs shows 64 bytes of config space: it says so.
msixg_ok "msixg scan unprivileged (nobody)" bash -c \
	"setpriv --reuid=65534 --regid=65534 --clear-groups '$msixg' scan > '$out/nobody.txt'"
msixg_ok "msixg scan --json unprivileged parses" bash -c \
	"setpriv --reuid=65534 --regid=65534 --clear-groups '$msixg' scan --json |
	 '$py' -c 'import json, sys; json.load(sys.stdin)'"
msixg_ok "msixg rejects a bad page size with status 2" bash -c \
	"'$msixg' scan --page-size 8K 2>/dev/null; [ \$? -eq 2 ]"
echo "--- msixg scan on this machine:"
cat "$out/root.txt"
make -s -C tools/msix-guard clean
msixg_summary tools
