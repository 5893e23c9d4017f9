# SPDX-License-Identifier: GPL-2.0-only
# Guest flow of `make demo`: one megasas-gen2, whose MSI-X pages hold device
# registers, first on stock vfio-pci, then on msix-guard.
bdf=0000:00:03.0
echo
echo "=== stock vfio-pci: the MSI-X BAR (region 1) is mmappable whole ==="
msixg_bind "$bdf" vfio-pci >/dev/null
/msix_guard_test info "$bdf"
/msix_guard_test control "$bdf" | sed -n 's/^MSIXG INFO [^ ]* /  /p'
echo
echo "=== msixg scan: which devices share MSI-X pages with other bytes ==="
/msixg scan
echo
echo "=== msix-guard: MSI-X pages withheld, the rest listed as sparse mmap ==="
msixg_bind "$bdf" "$MSIXG_DRV" >/dev/null
/msix_guard_test info "$bdf"
/msix_guard_test demo "$bdf"
echo
echo "=== msixg status: what msix-guard withholds, and what the demo did ==="
mount -t debugfs none /sys/kernel/debug
/msixg status "$bdf"
echo
