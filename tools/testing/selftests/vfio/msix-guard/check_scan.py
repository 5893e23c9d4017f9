# SPDX-License-Identifier: GPL-2.0-only
"""Oracle for `msixg scan` in the end-to-end VM.

The guest prints every PCI function's config space and sysfs resource
file ("MSIXG CFG", "MSIXG RES") and `msixg scan --json` at 4K, 16K and 64K
pages ("MSIXG SCAN").  From the raw config space this computes, on its own,
which functions have MSI-X and what msix-guard would withhold of each, and
checks the tool's report against it, field by field; and checks the values
of the QEMU devices whose layouts are documented
(../shared/qemu-msix-layouts.md).
"""
import json

PAGE_SIZES = {"4K": 4096, "16K": 16384, "64K": 65536}
MEM = 0x200

# Documented layouts at 4K pages: (table BAR, table span, PBA span,
# withheld spans).
KNOWN = {
    (0x1000, 0x0079): ("megasas-gen2", 1, (0x2000, 0x20f0), (0x3800, 0x3808),
                       [(0x2000, 0x4000)]),
    (0x1b36, 0x000d): ("qemu-xhci", 0, (0x3000, 0x3100), (0x3800, 0x3808),
                       [(0x3000, 0x4000)]),
    (0x1b36, 0x0010): ("nvme", 0, (0x2000, 0x2410), (0x3000, 0x3010),
                       [(0x2000, 0x4000)]),
}


def u16(c, o):
    return c[o] | c[o + 1] << 8


def u32(c, o):
    return u16(c, o) | u16(c, o + 2) << 16


def msix_of(cfg):
    if len(cfg) < 64 or not u16(cfg, 6) & 0x10:
        return None
    ptr, seen = cfg[0x34] & 0xfc, 0
    while ptr >= 0x40 and seen < 48 and ptr + 2 <= len(cfg):
        if cfg[ptr] == 0x11 and ptr + 12 <= len(cfg):
            n = (u16(cfg, ptr + 2) & 0x7ff) + 1
            t, p = u32(cfg, ptr + 4), u32(cfg, ptr + 8)
            return {"vectors": n,
                    "table": {"bar": t & 7, "start": t & ~7, "end": (t & ~7) + 16 * n},
                    "pba": {"bar": p & 7, "start": p & ~7,
                            "end": (p & ~7) + 8 * ((n + 63) // 64)}}
        ptr, seen = cfg[ptr + 1] & 0xfc, seen + 1
    return None


def expected_bars(m, bars, page):
    """msix-guard's rules, written again from its documentation."""
    def mem(b):
        return b < 6 and bars[b][0] > 0 and bars[b][1] & MEM

    tb, pb = m["table"]["bar"], m["pba"]["bar"]
    if not mem(tb):
        return None
    table = (m["table"]["start"], m["table"]["end"])
    pba = (m["pba"]["start"], m["pba"]["end"])
    if not mem(pb):
        pb, pba = tb, (0, 0)
    out = []
    for b in sorted({tb, pb}):
        size = bars[b][0]
        t = table if b == tb else (0, 0)
        p = pba if b == pb else (0, 0)
        entry = {"bar": b, "size": size, "servable": True}
        if t[1] > size:
            entry["servable"] = False
            out.append(entry)
            continue
        if p[1] > size:
            p = (0, 0) if p[0] >= size else (p[0], size)
        pages = set()
        for s in (t, p):
            if s[1] > s[0]:
                pages.update(range(s[0] // page * page, s[1], page))
        spans = []
        for pg in sorted(pages):
            if spans and spans[-1][1] == pg:
                spans[-1][1] = pg + page
            else:
                spans.append([pg, pg + page])
        withheld = sum(min(e, size) - s for s, e in spans)
        entry.update(withheld=spans, withheld_bytes=withheld,
                     mappable_bytes=size - withheld,
                     shared_bytes=withheld - (min(t[1], size) - t[0]) -
                     (min(p[1], size) - p[0]))
        out.append(entry)
    return out


def check(lines, res, expect_all=False):
    """expect_all: the VM has the megasas-gen2, qemu-xhci, nvme and virtio
    device of the full e2e flow, and the scan must have seen each."""
    cfgs, ress, scans = {}, {}, {}
    for line in lines:
        if "MSIXG " not in line:
            continue
        f = line[line.index("MSIXG "):].split(" ", 3)
        if len(f) < 4:
            continue
        if f[1] == "CFG":
            cfgs[f[2]] = bytes.fromhex(f[3].strip())
        elif f[1] == "RES":
            vals = [int(x, 16) for x in f[3].split()]
            ress[f[2]] = [((e - s + 1) if (s or e) else 0, fl)
                          for s, e, fl in zip(vals[0::3], vals[1::3], vals[2::3])][:6]
        elif f[1] == "SCAN":
            try:
                scans[f[2]] = json.loads(f[3])
            except ValueError as e:
                res.check(False, f"msixg-scan-{f[2]}-json-parses", str(e))
    if not cfgs:
        return
    for ps, page in PAGE_SIZES.items():
        got = {d["bdf"]: d for d in scans.get(ps, [])}
        res.check(ps in scans, f"msixg-scan-{ps}-json-parses", "no output")
        want = {b for b, c in cfgs.items() if msix_of(c)}
        res.check(set(got) == want, f"msixg-scan-{ps}-lists-every-msix-function",
                  f"tool {sorted(got)}, config space {sorted(want)}")
        for bdf in sorted(want & set(got)):
            m, d, cfg = msix_of(cfgs[bdf]), got[bdf], cfgs[bdf]
            problems = []
            for k in ("vectors", "table", "pba"):
                if d.get(k) != m[k]:
                    problems.append(f"{k}: tool {d.get(k)}, config {m[k]}")
            if (d.get("vendor"), d.get("device")) != (u16(cfg, 0), u16(cfg, 2)):
                problems.append("vendor/device")
            if d.get("page_size") != page:
                problems.append(f"page_size {d.get('page_size')}")
            bars = expected_bars(m, ress[bdf], page)
            tool_bars = [{k: b[k] for k in b if k != "note"} for b in d.get("bars", [])]
            if bars is not None and tool_bars != bars:
                problems.append(f"bars: tool {tool_bars}, expected {bars}")
            res.check(not problems, f"msixg-scan-{ps} {bdf} layout-exact",
                      "; ".join(problems))
            key = (u16(cfg, 0), u16(cfg, 2))
            if ps == "4K" and key in KNOWN:
                name, tbar, t, p, w = KNOWN[key]
                ok = (d["table"]["bar"], (d["table"]["start"], d["table"]["end"]),
                      (d["pba"]["start"], d["pba"]["end"])) == (tbar, t, p) and \
                    [tuple(x) for x in d["bars"][0]["withheld"]] == w
                res.check(ok, f"msixg-scan {bdf} {name} as documented",
                          f"tool says {d}")
    if not expect_all:
        return
    kinds = {(u16(c, 0), u16(c, 2)) for c in cfgs.values() if msix_of(c)}
    for key, (name, *_rest) in KNOWN.items():
        res.check(key in kinds, f"msixg-scan saw a {name}", "not in the VM")
    res.check(any(k[0] == 0x1af4 for k in kinds), "msixg-scan saw a virtio device",
              "not in the VM")
