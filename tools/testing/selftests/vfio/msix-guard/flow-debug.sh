# SPDX-License-Identifier: GPL-2.0-only
# Guest flow on the debug kernel: the KUnit suites built into it ran at
# boot (their summaries go to the host), then the stress flow.
dmesg | grep -E '# (msix_guard_[a-z]+|Totals): pass:' | sed 's/^.*# /MSIXG KUNIT /'
. /flow-stress.sh
