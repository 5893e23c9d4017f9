#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Host-side oracle of the msix-guard VMM test (flow-vmm.sh, vmm.c).

Two runs, each Debian's QEMU inside the VM driving an nvme and a
megasas-gen2 through -device vfio-pci: run 1 with the devices on
msix-guard, run 2 on stock vfio-pci.  Besides the guest's own PASS/FAIL
lines and a clean kernel, checks what only the traces and the disk show:

- the inner QEMU's own vfio trace: on msix-guard it was given sparse-mmap
  areas and mapped the nvme's BAR 0 only up to its MSI-X table, and the
  guest's write next to the megasas table went through its trapped path
  (a region write on the fd); on stock vfio-pci it mapped the whole BAR;
  both times it enabled the nvme's vectors 0 and 1;
- the device models (the outer QEMU's trace): the write next to the
  megasas table reached the device at that address with that value, in
  both runs; the nvme's physical MSI-X entries 0 and 1 were programmed, by
  the VM's kernel, with interrupt-remapping addresses; no message the
  inner guest wrote into the inner QEMU's emulated tables ever reached a
  device's table;
- the nvme's backing file holds both runs' 8 MiB patterns, intact.

Prints one line per check and ends with "LABEL: N passed, N failed".
"""
import argparse
import re
import struct
import sys

from check_trace import Result, parse_console, parse_trace

LBA = 512
PATTERN_LBAS = (8 << 20) // LBA
RUNS = {1: ("msix-guard", 1, 0), 2: ("vfio-pci", 2, PATTERN_LBAS)}  # tag: driver, seed, lba0
MASK = (1 << 64) - 1
MSI_GPA = 0x106000


def pattern_block(seed, lba):
    """vmm.c's pattern_block()."""
    x = ((seed * 0x9e3779b97f4a7c15) & MASK) ^ lba ^ 0x6d73697867756172
    words = [lba, seed]
    for _ in range(16 // 8, LBA // 8):
        x ^= (x << 13) & MASK
        x ^= x >> 7
        x ^= (x << 17) & MASK
        words.append(x)
    return struct.pack("<64Q", *words)


def check_disk(path, res):
    with open(path, "rb") as fh:
        disk = fh.read()
    for tag, (drv, seed, lba0) in RUNS.items():
        bad = [lba for lba in range(lba0, lba0 + PATTERN_LBAS)
               if disk[lba * LBA:(lba + 1) * LBA] != pattern_block(seed, lba)]
        res.check(not bad, f"disk-holds-run-{tag}-pattern ({drv})",
                  f"{len(bad)} of {PATTERN_LBAS} blocks differ, first LBA {bad[:1]}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--console", required=True)
    ap.add_argument("--trace", required=True)
    ap.add_argument("--disk", required=True)
    ap.add_argument("--qemu-rc", type=int, default=0)
    ap.add_argument("--label", default="vmm")
    args = ap.parse_args()

    res = Result(args.label)
    res.check(args.qemu_rc == 0, "qemu-exit", f"QEMU exited with {args.qemu_rc}")
    parse_console(args.console, res)
    lines = open(args.console, errors="replace").read().replace("\r", "").split("\n")

    bars = {}          # BDF -> [BAR start, ...] in the VM
    l2 = {tag: [] for tag in RUNS}
    adj = {tag: [] for tag in RUNS}
    rcs = {}
    tag = None
    for line in lines:
        if "MSIXG " not in line:
            continue
        f = line[line.index("MSIXG "):].split()
        if f[1] == "RES":
            bars[f[2]] = [int(x, 16) for x in f[3::3][:6]]
        elif f[1] == "VMM-RUN":
            tag = int(f[2])
        elif f[1] == "RC" and f[2].startswith("vmm-"):
            rcs[tag] = int(f[3])
        elif f[1] == "VMM-ADJ":
            # BDF BAR WRITE_OFF VALUE READ_OFF PBA_OFF (the PBA in that BAR)
            adj[tag].append((f[2], int(f[3]), int(f[4], 16), int(f[5], 16),
                             int(f[6], 16), int(f[7], 16)))
        elif f[1] == "VMM-TIME":
            print(f"run {tag} ({RUNS[tag][0]}): {' '.join(f[2:])} s")
        elif f[1] == "L2":
            l2[int(f[2])].append(" ".join(f[3:]))
    for tag, (drv, _, _) in RUNS.items():
        res.check(rcs.get(tag) == 0, f"run-{tag}-{drv}-exit-status",
                  f"msix_guard_vmm exited with {rcs.get(tag)}")

    # The inner QEMU's view.
    for tag, (drv, _, _) in RUNS.items():
        text = "\n".join(l2[tag])
        maps = re.findall(r"vfio_region_mmap Region 0000:00:06\.0 BAR 0 "
                          r"mmaps\[\d+\] \[(0x[0-9a-f]+) - (0x[0-9a-f]+)\]", text)
        want = [("0x0", "0x1fff")] if tag == 1 else [("0x0", "0x3fff")]
        res.check(maps == want, f"run-{tag}-qemu-mapped-nvme-bar0 ({drv})",
                  f"mapped {maps}, want {want}")
        sparse = "vfio_region_sparse_mmap_entry" in text
        res.check(sparse == (tag == 1), f"run-{tag}-sparse-mmap-given ({drv})",
                  f"sparse-mmap entries in the trace: {sparse}")
        for vec in (0, 1):
            res.check(re.search(rf"vfio_msix_vector_do_use \(0000:00:06\.0\) vector {vec} used",
                                text) is not None,
                      f"run-{tag}-qemu-enabled-nvme-vector-{vec} ({drv})")
        # On msix-guard the withheld pages are served by read()/write() on
        # the device fd; on stock vfio-pci the whole BAR is mapped.
        for bdf, bar, wr, val, rd, pba in adj[tag]:
            how = "trapped" if tag == 1 else "mapped"
            for what, pat in (
                    ("adjacent-write", rf"vfio_region_write +\({bdf}:region{bar}\+{wr:#x}, {val:#x}, 4\)"),
                    ("adjacent-read", rf"vfio_region_read +\({bdf}:region{bar}\+{rd:#x}, 4\)"),
                    ("pba-read", rf"vfio_region_read +\({bdf}:region{bar}\+{pba:#x}, 4\)")):
                trapped = re.search(pat, text) is not None
                res.check(trapped == (tag == 1), f"run-{tag}-{what}-{how} ({drv})",
                          f"read()/write() on the fd in the trace: {trapped}")

    # The device models' view.
    events = parse_trace(args.trace)
    res.check(len(events) > 0, "trace-present", "QEMU trace is empty")
    writes = [e for e in events if e[0] == "write"]
    # The runs are in order, and each starts its accesses with its own
    # write: what comes before run 2's write is run 1's.
    split = next((i for i, e in enumerate(events)
                  if e[0] == "write" and e[4] == "megasas-mmio"
                  and any(e[2] == a[3] for a in adj[2])), len(events))
    for tag, (drv, _, _) in RUNS.items():
        run = events[:split] if tag == 1 else events[split:]
        for bdf, bar, wr, val, rd, pba in adj[tag]:
            base = bars.get(bdf, [0] * 6)[bar]
            hit = any(e[0] == "write" and e[1] == base + wr and e[2] == val and
                      e[4] == "megasas-mmio" for e in run)
            res.check(hit, f"run-{tag}-adjacent-write-reached-device ({drv})",
                      f"no megasas-mmio write of {val:#x} at {base + wr:#x}")
            for what, off, region in (("adjacent-read", rd, "megasas-mmio"),
                                      ("pba-read", pba, "msix-pba")):
                n = sum(1 for e in run
                        if e[0] == "read" and e[1] == base + off and e[4] == region)
                res.check(n > 0, f"run-{tag}-{what}-reached-device ({drv})",
                          f"no {region} read at {base + off:#x} in this run")
        res.check(adj[tag], f"run-{tag}-adjacent-accesses-done ({drv})")
    inner = {0x4d530000 | tag << 8 | v for tag in RUNS for v in (0, 1)}
    inner |= {0x4d534700 | tag for tag in RUNS} | {MSI_GPA, MSI_GPA + 16}
    leaked = [e for e in writes if e[4] == "msix-table" and e[2] in inner]
    res.check(not leaked, "inner-guest-messages-never-reach-a-device-table",
              f"{len(leaked)} writes, first {leaked[:1]}")
    nvme_table = bars.get("0000:00:06.0", [0])[0] + 0x2000
    for vec in (0, 1):
        # Interrupt-remapping format (bit 4), as the VM's kernel programs
        # it; zero when it tears the vector down.
        addrs = [e[2] for e in writes if e[4] == "msix-table" and e[1] == nvme_table + 16 * vec]
        res.check(any(addrs) and all(a & 0xfff00010 == 0xfee00010 for a in addrs if a),
                  f"nvme-table-entry-{vec}-programmed-by-the-kernel",
                  f"addresses written: {[hex(a) for a in addrs[:6]]}")

    check_disk(args.disk, res)
    print(f"{args.label}: {res.passed} passed, {res.failed} failed")
    return 1 if res.failed else 0


if __name__ == "__main__":
    sys.exit(main())
