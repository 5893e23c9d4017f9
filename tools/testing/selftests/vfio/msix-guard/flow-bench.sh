# SPDX-License-Identifier: GPL-2.0-only
# Guest flow of `make bench`: two identical megasas-gen2, one on stock
# vfio-pci, one on msix-guard; then the in-kernel cache lock benchmark.
msixg_bind 0000:00:03.0 vfio-pci
msixg_bind 0000:00:04.0 "$MSIXG_DRV"
/msix_guard_test bench 0000:00:03.0 0000:00:04.0 31
insmod /lib/modules/msix-guard-bench.ko
dmesg | sed -n 's/.*msix-guard-bench: /MSIXG LOCKBENCH /p'
