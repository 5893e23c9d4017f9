#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Host-side checker of the msix-guard parity test (parity.c).

The guest ran the same operations on two identical devices, A on stock
vfio-pci and B on msix-guard, each operation bracketed by isa-debugcon
marks.  For every operation this compares what each side returned (value,
errno, hash of the bytes) and what reached each device in QEMU's trace
(direction, BAR, offset, size, value, or an access QEMU rejected), and sorts
every difference into one of the documented classes -- the deliberate
differences of msix-guard -- or a failure.

Documented classes (Documentation/driver-api/vfio/msix-guard.rst):
  mmap-withheld         an mmap reaching a withheld page: EINVAL on B
  region-info-msix-bar  region info of an MSI-X BAR: sparse-mmap, never
                        MSIX_MAPPABLE
  pba-write-dropped     a write over PBA bytes: reaches A's PBA, not B's

Ends with "LABEL: N passed, N failed".
"""
import argparse
import re
import sys

from check_trace import INVALID_RE, KERNEL_BAD_RE, TRACE_RE, Result

POP_RE = re.compile(
    r"^MSIXG POP (\d+) (\S+) (\d+) (0x[0-9a-f]+|0) (\d+) (\d+) (0x[0-9a-f]+|0)"
    r" A (-?\d+) (\d+) (0x[0-9a-f]+|0) B (-?\d+) (\d+) (0x[0-9a-f]+|0)$")
MARK_BEGIN, MARK_END = 0xfd, 0xfe
EINVAL = 22


class Side:
    def __init__(self, bdf):
        self.bdf = bdf
        self.bars = {}
        self.table_bar = self.pba_bar = None
        self.table = self.pba = (0, 0)

    def locate(self, addr):
        for i, (base, size) in self.bars.items():
            if base and base <= addr < base + size:
                return i, addr - base
        return None


def parse_console(path):
    sides, ops, lines = {}, [], []
    with open(path, errors="replace") as fh:
        for raw in fh:
            line = raw.replace("\r", "").rstrip("\n")
            lines.append(line)
            f = line.split()
            if line.startswith("MSIXG BAR "):
                sides.setdefault(f[2], Side(f[2])).bars[int(f[3])] = \
                    (int(f[4], 16), int(f[5], 16))
            elif line.startswith("MSIXG MSIX "):
                s = sides.setdefault(f[2], Side(f[2]))
                s.table_bar, s.pba_bar = int(f[3]), int(f[6])
                s.table = (int(f[4], 16), int(f[5], 16))
                s.pba = (int(f[7], 16), int(f[8], 16))
            elif line.startswith("MSIXG POP "):
                m = POP_RE.match(line)
                if m:
                    g = m.groups()
                    ops.append({
                        "n": int(g[0]), "kind": g[1], "index": int(g[2]),
                        "off": int(g[3], 16), "len": int(g[4]),
                        "buf": int(g[5]), "arg": int(g[6], 16),
                        "A": (int(g[7]), int(g[8]), g[9]),
                        "B": (int(g[10]), int(g[11]), g[12]),
                        "line": line})
    return sides, ops, lines


def parse_trace(path, sides):
    """{(op, side): [access, ...]} from the marks, side 0 = A, 1 = B."""
    per, seg, inside = {}, -1, False
    with open(path, errors="replace") as fh:
        for line in fh:
            m = TRACE_RE.search(line)
            if m:
                what, addr, val, size, name = (m.group(1), int(m.group(2), 16),
                                               int(m.group(3), 16),
                                               int(m.group(4)), m.group(5))
                if name == "isa-debugcon" and what == "write":
                    if val == MARK_BEGIN:
                        seg, inside = seg + 1, True
                    elif val == MARK_END:
                        inside = False
                    continue
            else:
                m = INVALID_RE.search(line)
                if not m:
                    continue
                what, addr, val, size, name = (m.group(1), int(m.group(2), 16),
                                               0, int(m.group(3)), None)
            if seg < 0:
                continue
            side = sides[seg % 2]
            where = side.locate(addr)
            if where is None:
                continue
            ev = (what, where[0], where[1], size, val, name or "rejected")
            key = (seg // 2, seg % 2)
            if not inside:
                key = ("between", seg % 2)
            per.setdefault(key, []).append(ev)
    return per


def overlaps_withheld(side, bar, off, length, page):
    for b, (s, e) in ((side.table_bar, side.table), (side.pba_bar, side.pba)):
        if b != bar or s == e:
            continue
        lo, hi = s - s % page, e + (page - e % page) % page
        if off < hi and off + length > lo:
            return True
    return False


def classify(op, ta, tb, a_side, page):
    """None if A and B agree, else the documented class, else 'unexpected'."""
    ra, rb = op["A"], op["B"]
    if ra == rb and ta == tb:
        return None
    kind = op["kind"]
    if kind == "mmap" and ta == tb and ra[0] == 0 and rb[:2] == (-1, EINVAL) \
            and op["index"] in (a_side.table_bar, a_side.pba_bar) \
            and overlaps_withheld(a_side, op["index"], op["off"], op["len"], page):
        return "mmap-withheld"
    if kind == "region-info" and ta == tb and ra[:2] == rb[:2] \
            and op["index"] in (a_side.table_bar, a_side.pba_bar):
        return "region-info-msix-bar"
    if kind == "write" and ra == rb and \
            [e for e in ta if not (e[0] == "write" and e[5] == "msix-pba")] == tb \
            and any(e[5] == "msix-pba" for e in ta):
        return "pba-write-dropped"
    return "unexpected"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--console", required=True)
    ap.add_argument("--trace", required=True)
    ap.add_argument("--qemu-rc", type=int, default=0)
    ap.add_argument("--label", default="parity")
    args = ap.parse_args()

    res = Result(args.label)
    res.check(args.qemu_rc == 0, "qemu-exit", f"QEMU exited with {args.qemu_rc}")
    sides, ops, lines = parse_console(args.console)
    bad = [x for x in lines if KERNEL_BAD_RE.search(x)]
    res.check(not bad, "kernel-clean", "; ".join(bad[:3]))
    head = [x for x in lines if x.startswith("MSIXG PARITY ") and " ops " in x]
    end = [x for x in lines if x.startswith("MSIXG PARITY END ")]
    res.check(head and end, "parity-run-completed", "no PARITY start/END line")
    if not head:
        print(f"{args.label}: {res.passed} passed, {res.failed} failed")
        return 1
    f = head[0].split()
    order = [sides[f[2]], sides[f[3]]]
    nops, page = int(f[5]), int(f[7], 16)
    res.check(len(ops) == nops, "every-operation-reported", f"{len(ops)} of {nops}")

    per = parse_trace(args.trace, order)
    classes, unexpected, shapes = {}, [], {}
    for op in ops:
        ta, tb = per.get((op["n"], 0), []), per.get((op["n"], 1), [])
        cls = classify(op, ta, tb, order[0], page)
        if cls is None:
            continue
        classes[cls] = classes.get(cls, 0) + 1
        if cls == "unexpected":
            def res_of(r):
                return f"{'ok' if r[0] >= 0 else 'errno ' + str(r[1])}"
            shape = (f"{op['kind']}: A {res_of(op['A'])}, B {res_of(op['B'])}"
                     + ("" if op["A"][0] == op["B"][0] or op["A"][0] < 0
                        or op["B"][0] < 0 else ", other count")
                     + (", traces differ" if ta != tb else ""))
            shapes[shape] = shapes.get(shape, 0) + 1
            detail = op["line"][len("MSIXG POP "):]
            if ta != tb:
                detail += f" | trace A {ta[:4]} B {tb[:4]}"
            unexpected.append(detail)
    outside = per.get(("between", 0), []) + per.get(("between", 1), [])
    res.check(not outside, "nothing-reaches-a-device-between-operations",
              "; ".join(map(str, outside[:4])))
    for cls in ("mmap-withheld", "region-info-msix-bar", "pba-write-dropped"):
        print(f"info documented difference {cls}: {classes.get(cls, 0)} operations")
    for shape, count in sorted(shapes.items(), key=lambda x: -x[1]):
        print(f"info unexpected {count:5d} x {shape}")
    for d in unexpected[:40]:
        print(f"     unexpected: {d}")
    res.check(not unexpected, f"no-unexpected-differences ({len(ops)} operations)",
              f"{len(unexpected)} operations differ outside the documented classes")
    res.check(classes.get("mmap-withheld", 0) > 0 and
              classes.get("region-info-msix-bar", 0) > 0,
              "documented-differences-exercised",
              f"classes seen: {sorted(classes)}")
    print(f"{args.label}: {res.passed} passed, {res.failed} failed")
    return 1 if res.failed else 0


if __name__ == "__main__":
    sys.exit(main())
