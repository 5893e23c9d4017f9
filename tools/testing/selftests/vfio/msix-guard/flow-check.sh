# SPDX-License-Identifier: GPL-2.0-only
# Guest flow of the end-to-end test.  $MSIXG_DEVICES (from the host) is a
# list of BDF:ADJ, ADJ=1 where adjacent registers are to be exercised.
for spec in $MSIXG_DEVICES; do
	bdf=${spec%:*}
	adj=${spec##*:}
	msixg_bind "$bdf" vfio-pci
	/msix_guard_test snapshot "$bdf" "/tmp/snap-$bdf"
	/msix_guard_test control "$bdf"
	msixg_bind "$bdf" "$MSIXG_DRV"
	/msix_guard_test check "$bdf" "/tmp/snap-$bdf" "$adj"
	echo "MSIXG RC $bdf $?"
done

# Unbind everything, unload, reload with ids=: the first device's ID must
# be claimed without driver_override.
first=${MSIXG_DEVICES%% *}
first=${first%:*}
for spec in $MSIXG_DEVICES; do
	msixg_unbind "${spec%:*}"
done
if rmmod msix_guard_vfio_pci; then
	echo "MSIXG PASS global rmmod"
else
	echo "MSIXG FAIL global rmmod: failed"
fi
id="$(sed 's/0x//' "/sys/bus/pci/devices/$first/vendor"):$(sed 's/0x//' "/sys/bus/pci/devices/$first/device")"
insmod /lib/modules/msix-guard-vfio-pci.ko "ids=$id"
if [ "$(msixg_driver_of "$first")" = "$MSIXG_DRV" ]; then
	echo "MSIXG PASS global ids-param-binds-$id"
else
	echo "MSIXG FAIL global ids-param-binds-$id: bound to '$(msixg_driver_of "$first")'"
fi
