# SPDX-License-Identifier: GPL-2.0-only
# Guest flow of the end-to-end test.  $MSIXG_DEVICES (from the host) is a
# list of BDF:ADJ, ADJ=1 where adjacent registers are to be exercised.
mount -t debugfs none /sys/kernel/debug
mount -t tracefs none /sys/kernel/tracing

# msixg scan at three page sizes, and what the host checks it against:
# every function's config space and resource file.
for d in /sys/bus/pci/devices/*; do
	echo "MSIXG CFG ${d##*/} $(hexdump -v -e '1/1 "%02x"' "$d/config")"
	echo "MSIXG RES ${d##*/} $(tr '\n' ' ' < "$d/resource")"
done
for ps in 4K 16K 64K; do
	echo "MSIXG SCAN $ps $(/msixg scan --json --page-size $ps | tr -d '\n')"
done
/msixg scan | sed 's/^/MSIXG SCANTEXT /'
for spec in $MSIXG_DEVICES; do
	bdf=${spec%:*}
	adj=${spec##*:}
	msixg_bind "$bdf" vfio-pci
	/msix_guard_test snapshot "$bdf" "/tmp/snap-$bdf"
	/msix_guard_test control "$bdf"
	msixg_bind "$bdf" "$MSIXG_DRV"
	/msix_guard_test check "$bdf" "/tmp/snap-$bdf" "$adj"
	echo "MSIXG RC $bdf $?"
	# What debugfs and the trace events show of a known sequence.
	if [ $((adj & 1)) -eq 1 ]; then
		/msix_guard_observe "$bdf" ||
			echo "MSIXG FAIL $bdf observe: exit status $?"
		/msixg status "$bdf" > /tmp/status
		if grep -q '^BAR1: size 0x4000' /tmp/status &&
		   grep -q '^adjacent registers accessed:' /tmp/status; then
			echo "MSIXG PASS $bdf msixg-status"
		else
			echo "MSIXG FAIL $bdf msixg-status: no layout or stats"
		fi
		sed 's/^/MSIXG STATUS /' /tmp/status
	fi
done

first=${MSIXG_DEVICES%% *}
first=${first%:*}

# Unbind while a process holds the fd open and keeps accessing: unbind
# waits for the close, and nothing breaks meanwhile.
/msix_guard_test hold "$first" 3 &
holder=$!
sleep 1
echo "$first" > "/sys/bus/pci/devices/$first/driver/unbind"
if wait "$holder" && [ -z "$(msixg_driver_of "$first")" ]; then
	echo "MSIXG PASS global unbind-with-fd-open"
else
	echo "MSIXG FAIL global unbind-with-fd-open: holder failed or still bound"
fi

# Unbind everything, unload, reload with ids=: the first device's ID must
# be claimed without driver_override.
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
