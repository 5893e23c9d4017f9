#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# `make demo`: boot Debian's 6.12 kernel in QEMU with a megasas-gen2 (its
# MSI-X table shares pages with device registers), load msix-guard, bind the
# device first to stock vfio-pci and then to msix-guard, and show what
# changes, including what QEMU's device model saw of the trapped accesses.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
sel=$MSIXG_REPO/tools/testing/selftests/vfio/msix-guard

line=${1:-6.12}
work=$MSIXG_CACHE/demo-$line
rm -rf "$work" && mkdir -p "$work"

msixg_prepare_kernel "$line"
msixg_stage_vm "$work" "$sel/flow-demo.sh"

msixg_log "booting Debian $KREL under QEMU (TCG) with a megasas-gen2"
rc=0
msixg_boot "$work/vm" 300 "" -- -device megasas-gen2,addr=03.0 || rc=$?

sed -n '/^=== /,/MSIXG ALLDONE/p' "$work/vm.console" | tr -d '\r' | grep -v '^MSIXG'
bar1=$(awk '/MSIXG BAR 0000:00:03.0 1 /{print $5}' "$work/vm.console" | head -n1)
echo "=== what QEMU's megasas model saw in the MSI-X pages (its trace) ==="
msixg_python - "$work/vm.trace" "${bar1:-0}" <<'PY'
import re, sys
base = int(sys.argv[2], 16)
pat = re.compile(r"memory_region_ops_(read|write) .* addr (0x[0-9a-f]+) value (0x[0-9a-f]+) size \d+ name '([^']*)'")
for line in open(sys.argv[1], errors="replace"):
    m = pat.search(line)
    if not m or not base:
        continue
    off = int(m.group(2), 16) - base
    name, val = m.group(4), m.group(3)
    if name == "msix-table" and val == "0x434f4e54":
        note = ("  <- stock vfio-pci: userspace " +
                ("wrote" if m.group(1) == "write" else "read") +
                " the physical table through its mmap")
    elif name == "msix-table" and val == "0x4d534758":
        note = "  <- LEAK: a trapped table write reached the device"
    elif 0x2000 <= off < 0x4000 and name != "msix-table":
        note = ""
    else:
        continue
    print(f"  {m.group(1):5} BAR1+{off:#06x} value {val:>10} ({name}){note}")
PY
echo "  (no msix-table write of 4d534758 above: the table write never reached the device)"
[ "$rc" -eq 0 ] || msixg_die "the VM failed (rc $rc): see $work/vm.console"
