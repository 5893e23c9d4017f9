# SPDX-License-Identifier: GPL-2.0-only
# Guest-side helpers for the msix-guard test flows (busybox sh).
MSIXG_DRV=msix-guard-vfio-pci

# msixg_bind BDF DRIVER: unbind from whatever has it, bind DRIVER via
# driver_override; prints a PASS/FAIL line.
msixg_bind() {
	local d=/sys/bus/pci/devices/$1 got
	[ -e "$d/driver" ] && echo "$1" > "$d/driver/unbind"
	echo "$2" > "$d/driver_override"
	echo "$1" > /sys/bus/pci/drivers_probe
	got=$(basename "$(readlink "$d/driver" 2>/dev/null)" 2>/dev/null)
	if [ "$got" = "$2" ]; then
		echo "MSIXG PASS $1 bind-$2"
	else
		echo "MSIXG FAIL $1 bind-$2: bound to '$got'"
	fi
}

msixg_unbind() {
	local d=/sys/bus/pci/devices/$1
	[ -e "$d/driver" ] && echo "$1" > "$d/driver/unbind"
	echo > "$d/driver_override"
}

msixg_driver_of() {
	basename "$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null)" 2>/dev/null
}
