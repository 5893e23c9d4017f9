# SPDX-License-Identifier: GPL-2.0-only
# Guest flow of the parity test: two identical devices, the first on stock
# vfio-pci, the second on msix-guard, the same operations on both.
set -- $MSIXG_DEVICES
stock=${1%:*}
guard=${2%:*}
msixg_bind "$stock" vfio-pci
msixg_bind "$guard" "$MSIXG_DRV"
/msix_guard_parity "$stock" "$guard" "$MSIXG_PARITY_SEED" "$MSIXG_PARITY_OPS"
