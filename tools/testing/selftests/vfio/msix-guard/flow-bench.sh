# SPDX-License-Identifier: GPL-2.0-only
# Guest flow of `make bench`: two identical megasas-gen2, one on stock
# vfio-pci and one on msix-guard, measured side by side; then the same with
# the drivers swapped between the two devices, twice over, so that what
# differs between the devices themselves weighs on both drivers alike.
# Then, in the VM whose two vCPUs really run at once (msixg_bench=wall),
# the in-kernel cache lock benchmark.
a=0000:00:03.0
b=0000:00:04.0
for pass in 1 2 3 4; do
	if [ $((pass % 2)) -eq 1 ]; then stock=$a guard=$b; else stock=$b guard=$a; fi
	msixg_bind $stock vfio-pci
	msixg_bind $guard "$MSIXG_DRV"
	echo "MSIXG BENCHPASS $pass stock=$stock msix-guard=$guard"
	/msix_guard_test bench $stock $guard 21
done
if [ "${msixg_bench:-}" = wall ]; then
	insmod /lib/modules/msix-guard-bench.ko
	dmesg | sed -n 's/.*msix-guard-bench: /MSIXG LOCKBENCH /p'
fi
