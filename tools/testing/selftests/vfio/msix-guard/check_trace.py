#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Host-side oracle of the msix-guard end-to-end test.

Reads the guest's serial console (result lines of msix_guard_test and the
kernel's own messages) and QEMU's trace of every MMIO access that reached a
device model, and checks:

- every guest PASS/FAIL line, that every device finished, that the VM
  completed, and that the kernel printed no warning, oops or lockdep report;
- no marker value written to the MSI-X table (or PBA) ever reached the
  device model, while a control marker written through a stock vfio-pci
  mmap of the table did (so the oracle does see table writes);
- while the device's memory decode is off (as the guest kernel wrote it
  to config space), nothing reaches or even tries to reach its BARs;
- each trapped PBA read reached the device's PBA and returned its value;
- each trapped access to a register adjacent to the MSI-X structures reached
  the device model at the exact address with the exact value, in order, and
  nothing else touched those pages.

Prints one line per check and ends with "LABEL: N passed, N failed".
"""
import argparse
import os
import re
import sys

import check_scan

TRACE_RE = re.compile(
    r"memory_region_ops_(read|write) cpu -?\d+ mr 0x[0-9a-f]+ "
    r"addr (0x[0-9a-f]+) value (0x[0-9a-f]+) size (\d+) name '([^']*)'")
# QEMU -d guest_errors: an access that reached no device model, e.g. a BAR
# whose memory decode is off.
INVALID_RE = re.compile(r"Invalid (read|write) at addr (0x[0-9A-Fa-f]+), size (\d+)")
KERNEL_BAD_RE = re.compile(
    r"WARNING:|BUG:|Oops|Call Trace:|general protection fault|KASAN|UBSAN|"
    r"possible circular locking|possible recursive locking|suspicious RCU|"
    r"INFO: task .* blocked|Kernel panic|kernel BUG|refcount_t:|"
    r"inconsistent lock state|lock held when returning")
PAGE = 4096


class Result:
    def __init__(self, label):
        self.label = label
        self.passed = 0
        self.failed = 0

    def check(self, ok, name, detail=""):
        if ok:
            self.passed += 1
            print(f"ok   {name}")
        else:
            self.failed += 1
            print(f"FAIL {name}" + (f": {detail}" if detail else ""))


class Device:
    def __init__(self, bdf):
        self.bdf = bdf
        self.bars = {}
        self.bar_sizes = {}
        self.table_bar = self.pba_bar = None
        self.table = self.pba = (0, 0)
        self.ios = []
        self.markers = []
        self.controls = []
        self.ended = False

    def span_kind(self, bar, off):
        """'table', 'pba', 'adjacent' (withheld page) or 'core'."""
        t, p = self.table, self.pba
        if bar == self.table_bar and t[0] <= off < t[1]:
            return "table"
        if bar == self.pba_bar and p[0] <= off < p[1]:
            return "pba"
        page = off - off % PAGE
        for b, (s, e) in ((self.table_bar, t), (self.pba_bar, p)):
            if bar == b and s < page + PAGE and e > page:
                return "adjacent"
        return "core"

    def withheld_pages(self, bar):
        pages = set()
        for b, (s, e) in ((self.table_bar, self.table),
                          (self.pba_bar, self.pba)):
            if b == bar:
                pages.update(range(s - s % PAGE, e, PAGE))
        return pages


def parse_console(path, res, expect_kunit=()):
    devs = {}
    lines = open(path, errors="replace").read().replace("\r", "").split("\n")
    alldone = boot = False
    kernel_bad = []
    kunit = {}
    for i, line in enumerate(lines):
        if KERNEL_BAD_RE.search(line):
            kernel_bad.append("\n".join(lines[i:i + 12]))
        if "MSIXG " not in line:
            continue
        f = line[line.index("MSIXG "):].split()
        tag = f[1]
        if tag == "BOOT":
            boot = True
        elif tag == "ALLDONE":
            alldone = True
        elif tag == "PASS":
            res.check(True, f"{f[2]} {f[3]}")
        elif tag == "FAIL":
            detail = " ".join(f[4:])
            # The snapshot diff follows on the next lines.
            if f[3].startswith("stock-behaviour"):
                detail += "\n" + "\n".join(lines[i + 1:i + 40])
            res.check(False, f"{f[2]} {f[3].rstrip(':')}", detail)
        elif tag == "KUNIT":
            # "# msix_guard_cache: pass:9 fail:0 skip:0 total:9"
            m = re.search(r"(\S+): pass:(\d+) fail:(\d+)", line)
            if m:
                kunit[m.group(1)] = (int(m.group(2)), int(m.group(3)))
        elif tag == "FATAL":
            res.check(False, "guest", " ".join(f[2:]))
        elif tag in ("MSIX", "BAR", "IO", "MARKER", "CONTROL", "END"):
            d = devs.setdefault(f[2], Device(f[2]))
            if tag == "MSIX":
                d.table_bar, d.pba_bar = int(f[3]), int(f[6])
                d.table = (int(f[4], 16), int(f[5], 16))
                d.pba = (int(f[7], 16), int(f[8], 16))
            elif tag == "BAR":
                d.bars[int(f[3])] = int(f[4], 16)
                d.bar_sizes[int(f[3])] = int(f[5], 16)
            elif tag == "IO":
                d.ios.append((f[3], int(f[4]), int(f[5], 16), int(f[6]),
                              bytes.fromhex(f[7])))
            elif tag == "MARKER":
                d.markers.append(int(f[3], 16))
            elif tag == "CONTROL":
                d.controls.append(int(f[3], 16))
            elif tag == "END":
                d.ended = True
    for suite, (p, f) in sorted(kunit.items()):
        res.check(p > 0 and f == 0, f"kunit {suite} in the guest kernel",
                  f"{p} passed, {f} failed")
    if expect_kunit:
        res.check(all(s in kunit for s in expect_kunit), "kunit-suites-ran",
                  f"ran {sorted(kunit)}, want {expect_kunit}")
    res.check(boot, "vm-booted")
    res.check(alldone, "vm-completed", "the guest flow did not finish")
    res.check(not kernel_bad, "kernel-clean",
              "\n---\n".join(kernel_bad[:3]))
    return devs


def parse_trace(path):
    """(dir, addr, value, size, region) in order; accesses that reached no
    device model have region None."""
    events = []
    with open(path, errors="replace") as fh:
        for line in fh:
            m = TRACE_RE.search(line)
            if m:
                ev = (m.group(1), int(m.group(2), 16), int(m.group(3), 16),
                      int(m.group(4)), m.group(5))
                if ev[4] == "isa-debugcon" and ev[0] == "write":
                    # The guest's decode-off window marks, in order with MMIO.
                    edge = "off-begin" if ev[2] & 3 == 1 else "off-end"
                    events.append(("window", 0, 0, 0, (ev[2] >> 2, edge)))
                    continue
                events.append(ev)
                continue
            m = INVALID_RE.search(line)
            if m:
                events.append((m.group(1), int(m.group(2), 16), 0,
                               int(m.group(3)), None))
    return events


def pieces(off, data):
    """Split an access like the driver: naturally aligned, at most 8."""
    out, pos = [], 0
    while pos < len(data):
        size = 8
        while size > 1 and ((off + pos) % size or size > len(data) - pos):
            size //= 2
        out.append((off + pos, data[pos:pos + size]))
        pos += size
    return out


def qemu_events(addr, data):
    """How QEMU 7.2 reports one forwarded piece on megasas-gen2's BAR:
    8-byte accesses in the MSI-X pages arrive as two 4-byte halves."""
    if len(data) == 8:
        return [(addr, data[:4]), (addr + 4, data[4:])]
    return [(addr, data)]


def check_markers(dev, events, res):
    bad = []
    for m in dev.markers:
        vals = {m}
        if m > 0xffffffff:
            vals |= {m & 0xffffffff, m >> 32}
        for ev in events:
            if ev[0] == "write" and ev[4] in ("msix-table", "msix-pba") \
                    and ev[2] in vals:
                bad.append(f"{ev[4]} write {ev[2]:#x} at {ev[1]:#x}")
    res.check(dev.markers and not bad, f"{dev.bdf} trace-table-writes-never-reach-device",
              "; ".join(bad[:5]) or "no markers written")


def check_decode(dev, events, res):
    """Between the guest's "off-begin" and "off-end" marks, which bracket
    each window where the device's memory decode is off, nothing may touch
    the device's BARs (not even an access QEMU rejects)."""
    bars = [(b, b + dev.bar_sizes.get(i, 0)) for i, b in dev.bars.items() if b]
    slot = int(dev.bdf.split(":")[2].split(".")[0], 16)
    off, windows, bad = False, 0, []
    for ev in events:
        if ev[0] == "window":
            if ev[4][0] == slot:
                off = ev[4][1] == "off-begin"
                windows += off
        elif off and any(s <= ev[1] < e for s, e in bars):
            bad.append(f"{ev[0]} {ev[1]:#x} ({ev[4] or 'rejected'})")
    res.check(windows >= 6 and not bad,
              f"{dev.bdf} trace-nothing-reaches-bars-while-decode-off "
              f"({windows} windows)",
              "; ".join(bad[:5]) or f"only {windows} decode-off windows seen")


def check_decode_stress(path, devs, res):
    """check_decode() for the stress flow, whose trace is gigabytes: jump
    from one window mark to the next with mmap.find() and parse only what
    lies inside a decode-off window; the rest cannot fail the check."""
    import mmap
    slots = {}
    for dev in devs.values():
        if dev.table_bar is None:
            continue
        bars = [(b, b + dev.bar_sizes.get(i, 0)) for i, b in dev.bars.items() if b]
        slot = int(dev.bdf.split(":")[2].split(".")[0], 16)
        slots[slot] = {"dev": dev, "bars": bars, "windows": 0, "bad": []}
    with open(path, "rb") as fh:
        size = fh.seek(0, 2)
        mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) if size else b""

    def scan(slot, start, end):
        st = slots[slot]
        for line in mm[start:end].decode(errors="replace").split("\n"):
            m = TRACE_RE.search(line)
            if m:
                what, addr, region = m.group(1), int(m.group(2), 16), m.group(5)
            else:
                m = INVALID_RE.search(line)
                if not m:
                    continue
                what, addr, region = m.group(1), int(m.group(2), 16), None
            if region != "isa-debugcon" and any(s <= addr < e for s, e in st["bars"]):
                st["bad"].append(f"{what} {addr:#x} ({region or 'rejected'})")

    opened, pos = {}, 0
    while True:
        i = mm.find(b"name 'isa-debugcon'", pos)
        if i < 0:
            break
        start = mm.rfind(b"\n", 0, i) + 1
        end = mm.find(b"\n", i)
        end = len(mm) if end < 0 else end
        pos = end
        m = TRACE_RE.search(mm[start:end].decode(errors="replace"))
        if not m or m.group(1) != "write":
            continue
        val = int(m.group(3), 16)
        slot = val >> 2
        if slot not in slots:
            continue
        if val & 3 == 1:
            opened[slot] = end
            slots[slot]["windows"] += 1
        elif slot in opened:
            scan(slot, opened.pop(slot), start)
    for slot, begin in opened.items():
        scan(slot, begin, len(mm))
    for st in slots.values():
        dev, windows, bad = st["dev"], st["windows"], st["bad"]
        res.check(windows >= 6 and not bad,
                  f"{dev.bdf} trace-nothing-reaches-bars-while-decode-off "
                  f"({windows} windows)",
                  "; ".join(bad[:5]) or f"only {windows} decode-off windows seen")


def check_control(dev, events, res):
    """The negative control: under stock vfio-pci a table write through an
    mmap reaches the device, so the trace would show a leak if there was
    one."""
    base = dev.bars.get(dev.table_bar)
    for m in dev.controls:
        seen = any(ev[0] == "write" and ev[4] == "msix-table" and ev[2] == m
                   and ev[1] == base + dev.table[0] + 8 for ev in events)
        res.check(seen, f"{dev.bdf} oracle-sees-stock-table-write",
                  f"control marker {m:#x} not in the trace")


def check_pba(dev, events, res):
    base = dev.bars.get(dev.pba_bar)
    reads = [e for e in events if e[0] == "read" and e[4] == "msix-pba" and
             base is not None and base <= e[1] < base + dev.bar_sizes[dev.pba_bar]]
    want = []
    for d, bar, off, n, data in dev.ios:
        if d == "r" and dev.span_kind(bar, off) == "pba":
            for o, chunk in pieces(off, data):
                want += qemu_events(base + o, chunk)
    i, missing = 0, []
    for addr, chunk in want:
        while i < len(reads) and reads[i][1] != addr:
            i += 1
        if i == len(reads):
            missing.append(f"no read at {addr:#x}")
            break
        got = reads[i][2] & ((1 << (8 * len(chunk))) - 1)
        if got != int.from_bytes(chunk, "little"):
            missing.append(f"{addr:#x}: device {got:#x}, user got "
                           f"{int.from_bytes(chunk, 'little'):#x}")
        i += 1
    res.check(want and not missing, f"{dev.bdf} trace-pba-reads-reach-device",
              "; ".join(missing) or "no PBA reads")


def check_adjacent(dev, events, res):
    bar = dev.table_bar
    base = dev.bars.get(bar)
    pages = dev.withheld_pages(bar)
    want = []
    for d, b, off, n, data in dev.ios:
        if b != bar or dev.span_kind(b, off) != "adjacent":
            continue
        for o, chunk in pieces(off, data):
            for addr, c in qemu_events(base + o, chunk):
                want.append(("write" if d == "w" else "read", addr, c))
    if not want:
        return
    got = []
    for ev in events:
        off = ev[1] - base
        if ev[0] == "window" or ev[4] is None or ev[4].startswith("msix-") or \
                not 0 <= off < dev.bar_sizes[bar]:
            continue
        if off - off % PAGE in pages:
            got.append(ev)
    problems = []
    for k in range(max(len(want), len(got))):
        if k >= len(want):
            problems.append(f"unexpected {got[k][0]} {got[k][1]:#x}={got[k][2]:#x}")
            continue
        if k >= len(got):
            problems.append(f"missing {want[k][0]} {want[k][1]:#x}")
            continue
        wd, waddr, wdata = want[k]
        gd, gaddr, gval = got[k][:3]
        mask = (1 << (8 * len(wdata))) - 1
        if (wd, waddr) != (gd, gaddr) or gval & mask != int.from_bytes(wdata, "little"):
            problems.append(f"#{k}: want {wd} {waddr:#x}={int.from_bytes(wdata, 'little'):#x}, "
                            f"device saw {gd} {gaddr:#x}={gval:#x}")
    res.check(not problems, f"{dev.bdf} trace-adjacent-accesses-exact "
              f"({len(want)} device accesses)", "; ".join(problems[:8]))


def rinfo(path):
    with open(path, errors="replace") as fh:
        return sorted(line.strip() for line in fh
                      if line.startswith("MSIXG RINFO "))


def check_rinfo(console, ref, res):
    """Region info of the MSI-X BARs, as another kernel line reported it."""
    want, got = rinfo(ref), rinfo(console)
    diff = [f"-{x}" for x in want if x not in got] + \
        [f"+{x}" for x in got if x not in want]
    res.check(want and not diff, "region-info-equals-reference",
              "; ".join(diff[:4]) or f"no region info in {ref}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--console", required=True)
    ap.add_argument("--trace", required=True)
    ap.add_argument("--qemu-rc", type=int, default=0)
    ap.add_argument("--label", default="e2e")
    ap.add_argument("--expect-devices", type=int, default=0)
    ap.add_argument("--expect-kunit", nargs="*", default=[],
                    help="KUnit suites the guest kernel must have run")
    ap.add_argument("--stress", action="store_true",
                    help="the stress flow: only the decode windows are traced")
    ap.add_argument("--rinfo-ref", metavar="CONSOLE",
                    help="another kernel's console: the MSI-X BARs' region "
                    "info must be the same")
    args = ap.parse_args()

    res = Result(args.label)
    res.check(args.qemu_rc == 0, "qemu-exit", f"QEMU exited with {args.qemu_rc}")
    devs = parse_console(args.console, res, args.expect_kunit)
    if args.stress:
        events = []
        res.check(os.path.getsize(args.trace) > 0, "trace-present",
                  "QEMU trace is empty")
    else:
        events = parse_trace(args.trace)
        res.check(len(events) > 0, "trace-present", "QEMU trace is empty")
    if args.expect_devices:
        res.check(len(devs) == args.expect_devices, "all-devices-reported",
                  f"{len(devs)} of {args.expect_devices}")
    for dev in devs.values():
        res.check(dev.ended, f"{dev.bdf} finished", "no END line")
    if args.stress:
        check_decode_stress(args.trace, devs, res)
    for dev in devs.values():
        if dev.table_bar is None or args.stress:
            continue
        check_decode(dev, events, res)
        check_markers(dev, events, res)
        check_control(dev, events, res)
        check_pba(dev, events, res)
        check_adjacent(dev, events, res)
    if args.rinfo_ref:
        check_rinfo(args.console, args.rinfo_ref, res)
    with open(args.console, errors="replace") as fh:
        check_scan.check(fh.read().replace("\r", "").split("\n"), res,
                         args.expect_devices >= 4)
    print(f"{args.label}: {res.passed} passed, {res.failed} failed")
    return 1 if res.failed else 0


if __name__ == "__main__":
    sys.exit(main())
