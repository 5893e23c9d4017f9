// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for msix-guard's layout of withheld pages and the splitting of
 * trapped accesses.
 *
 * Every layout is checked against a byte-by-byte reference model written
 * independently of layout.c (withheld pages, mmap areas, forwarded pages,
 * the rule for each byte, access sizes), for 4K, 16K and 64K pages.  A few
 * layouts, the splits of tricky accesses and the rejected layouts are also
 * checked against values written out by hand.
 */
#include <kunit/test.h>
#include <linux/limits.h>
#include <linux/log2.h>
#include <linux/minmax.h>

#include "compat.h"
#include "layout.h"

#define SZ_4K_SHIFT	12
#define SZ_16K_SHIFT	14
#define SZ_64K_SHIFT	16

struct layout_case {
	const char *name;
	u64 bar_size;
	u64 table_off, table_len;	/* table_len 0: table in another BAR */
	u64 pba_off, pba_len;		/* pba_len 0: PBA in another BAR */
	unsigned int page_shift;	/* 0: each of page_shifts[] */
};

/* The page sizes every layout is checked at: 4K, 16K and 64K. */
static const unsigned int page_shifts[] = {
	SZ_4K_SHIFT, SZ_16K_SHIFT, SZ_64K_SHIFT
};

/* Table and PBA sizes for a vector count, as the PCI spec defines them. */
#define TBL(nvec)	((nvec) * 16ULL)
#define PBA(nvec)	(((nvec) + 63) / 64 * 8ULL)

static const struct layout_case layout_cases[] = {
	/* The QEMU devices the end-to-end tests use. */
	{ "megasas-gen2", 0x4000, 0x2000, TBL(15), 0x3800, PBA(15) },
	{ "qemu-xhci", 0x4000, 0x3000, TBL(16), 0x3800, PBA(16) },
	{ "virtio-pci", 0x1000, 0x0, TBL(4), 0x800, PBA(4) },
	{ "nvme", 0x4000, 0x2000, TBL(65), 0x3000, PBA(65) },
	{ "e1000e", 0x4000, 0x0, TBL(5), 0x2000, PBA(5) },
	{ "vmxnet3", 0x2000, 0x0, TBL(25), 0x1000, PBA(25) },
	/* Table and PBA in one page, in either order. */
	{ "same page", 0x10000, 0x4000, TBL(8), 0x4800, PBA(8) },
	{ "same page PBA first", 0x10000, 0x4800, TBL(8), 0x4000, PBA(8) },
	{ "PBA right after table", 0x8000, 0x1000, TBL(32), 0x1200, PBA(32) },
	/* Only the table, or only the PBA, in this BAR. */
	{ "table only", 0x4000, 0x1000, TBL(16), 0, 0 },
	{ "PBA only", 0x4000, 0, 0, 0x2000, PBA(16) },
	{ "PBA only at end", 0x4000, 0, 0, 0x3ff8, PBA(16) },
	{ "table only at end", 0x4000, 0x3f00, TBL(16), 0, 0 },
	/* Large tables. */
	{ "2048 vectors at 0", 0x10000, 0, TBL(2048), 0x8000, PBA(2048) },
	{ "2048 vectors unaligned", 0x20000, 0x10, TBL(2048), 0x9000,
	       PBA(2048) },
	{ "table over 8 pages", 0x20000, 0x800, TBL(2048), 0x10000,
	       PBA(2048) },
	{ "table over 9 pages", 0x40000, 0x1ff0, TBL(2048), 0x20000,
	       PBA(2048) },
	{ "2048 vectors PBA inside table tail", 0x20000, 0x100, TBL(2048),
	       0x8200, PBA(2048) },
	/* Placement at the edges of the BAR. */
	{ "table at 0", 0x4000, 0, TBL(3), 0x3000, PBA(3) },
	{ "PBA in last bytes", 0x4000, 0x1000, TBL(64), 0x3ff8, PBA(64) },
	{ "PBA in last bytes of big BAR", 0x100000, 0x0, TBL(128),
	       0xfff0, PBA(128) },
	{ "table in last bytes", 0x4000, 0x3ff0, TBL(1), 0x0, PBA(1) },
	{ "PBA crossing a 4K page", 0x4000, 0x0, TBL(512), 0x2fc0,
	       PBA(2048) },
	{ "table crossing a 4K page", 0x4000, 0xf80, TBL(16), 0x2000,
	       PBA(16) },
	{ "table ends on 4K page", 0x4000, 0xf00, TBL(16), 0x1000,
	       PBA(16) },
	{ "table page-aligned, full page", 0x4000, 0x1000, TBL(256),
	       0x3000, PBA(256) },
	/* BARs smaller than a page. */
	{ "BAR 2K", 0x800, 0x0, TBL(8), 0x400, PBA(8) },
	{ "BAR 1K PBA first", 0x400, 0x200, TBL(8), 0x0, PBA(8) },
	{ "BAR 256 bytes", 0x100, 0x0, TBL(1), 0xf8, PBA(1) },
	{ "BAR 8K table at end", 0x2000, 0x1800, TBL(128), 0x1000,
	       PBA(128) },
	/* Pages on both sides of the MSI-X pages stay mappable. */
	{ "middle of 64K BAR", 0x10000, 0x7000, TBL(32), 0x7800, PBA(32) },
	{ "apart in 64K BAR", 0x10000, 0x3000, TBL(32), 0xb000, PBA(32) },
	{ "apart by one page", 0x10000, 0x3000, TBL(32), 0x5000, PBA(32) },
	{ "apart, adjacent pages", 0x10000, 0x3f00, TBL(16), 0x4000,
	       PBA(16) },
	{ "table 16K-aligned", 0x40000, 0x8000, TBL(1024), 0xd000,
	       PBA(1024) },
	{ "table 64K-aligned", 0x40000, 0x10000, TBL(2048), 0x30000,
	       PBA(2048) },
	{ "single vector", 0x1000, 0x100, TBL(1), 0x200, PBA(1) },
	{ "65 vectors PBA 16 bytes", 0x8000, 0x4000, TBL(65), 0x4ff0,
	       PBA(65) },
	{ "1 MiB BAR, MSI-X mid", 0x100000, 0x42000, TBL(100), 0x43ff0,
	       PBA(100) },
	{ "table and PBA touching 64K pages", 0x40000, 0xfff0, TBL(1),
	       0x10000, PBA(1) },
	{ "odd offsets 8-aligned", 0x8000, 0x1238, TBL(7), 0x3ff8,
	       PBA(7) },
	{ "Wi-Fi AX-style regs around", 0x4000, 0x800, TBL(16), 0x1800,
	       PBA(16) },
};

static void layout_case_desc(const struct layout_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(layout, layout_cases, layout_case_desc);

/* ---- reference model: one byte and one page at a time ---- */

static bool ref_in(u64 off, u64 start, u64 len)
{
	return off >= start && off < start + len;
}

static bool ref_page_has(const struct layout_case *c, u64 page, u64 start,
			 u64 len)
{
	u64 page_end = page + (1ULL << c->page_shift);

	return len && start < page_end && start + len > page;
}

static bool ref_withheld(const struct layout_case *c, u64 off)
{
	u64 page = off & ~((1ULL << c->page_shift) - 1);

	return ref_page_has(c, page, c->table_off, c->table_len) ||
	       ref_page_has(c, page, c->pba_off, c->pba_len);
}

static enum msixg_kind ref_kind(const struct layout_case *c, u64 off)
{
	if (ref_in(off, c->table_off, c->table_len))
		return MSIXG_TABLE;
	if (ref_in(off, c->pba_off, c->pba_len))
		return MSIXG_PBA;
	if (ref_withheld(c, off))
		return MSIXG_ADJACENT;
	return MSIXG_CORE;
}

static bool ref_forwarded(enum msixg_kind kind)
{
	return kind == MSIXG_PBA || kind == MSIXG_ADJACENT;
}

static int init_case(struct kunit *test, const struct layout_case *c,
		     struct msixg_bar_layout *l)
{
	struct msixg_span table = { c->table_off, c->table_off + c->table_len };
	struct msixg_span pba = { c->pba_off, c->pba_off + c->pba_len };
	const char *why;
	int ret;

	if (!c->table_len)
		table = (struct msixg_span){};
	if (!c->pba_len)
		pba = (struct msixg_span){};
	ret = msixg_layout_init(l, c->bar_size, c->page_shift, table, pba,
				&why);
	KUNIT_EXPECT_EQ_MSG(test, ret, 0, "rejected at %lluK pages: %s",
			    (1ULL << c->page_shift) >> 10, why);
	return ret;
}

static void check_withheld(struct kunit *test, const struct layout_case *c)
{
	u64 psize = 1ULL << c->page_shift;
	struct msixg_bar_layout l;
	u64 page;

	if (init_case(test, c, &l))
		return;
	KUNIT_EXPECT_TRUE(test, msixg_layout_active(&l));

	for (page = 0; page < c->bar_size; page += psize) {
		bool want = ref_withheld(c, page);
		u64 len = min(psize, c->bar_size - page);

		KUNIT_EXPECT_EQ_MSG(test,
				    msixg_layout_overlaps_withheld(&l, page, len),
				    want, "page %#llx, %lluK pages", page,
				    (1ULL << c->page_shift) >> 10);
		/* Any single byte of a withheld page counts. */
		KUNIT_EXPECT_EQ_MSG(test,
				    msixg_layout_overlaps_withheld(&l, page + len - 1, 1),
				    want, "last byte of page %#llx, %lluK pages",
				    page, (1ULL << c->page_shift) >> 10);
		/* And read()/write() of it is trapped just then. */
		KUNIT_EXPECT_EQ_MSG(test, msixg_layout_traps(&l, page, len),
				    want, "traps page %#llx, %lluK pages", page,
				    (1ULL << c->page_shift) >> 10);
		KUNIT_EXPECT_EQ_MSG(test,
				    msixg_layout_traps(&l, page + len - 1, 1),
				    want, "traps last byte of page %#llx, %lluK pages",
				    page, (1ULL << c->page_shift) >> 10);
	}
}

static void check_areas(struct kunit *test, const struct layout_case *c)
{
	struct msixg_span areas[MSIXG_MAX_AREAS];
	u64 psize = 1ULL << c->page_shift;
	struct msixg_bar_layout l;
	unsigned int i, n;
	u64 page, prev_end = 0;

	if (init_case(test, c, &l))
		return;
	n = msixg_layout_mmap_areas(&l, areas);
	KUNIT_ASSERT_LE(test, n, MSIXG_MAX_AREAS);

	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_LT(test, areas[i].start, areas[i].end);
		KUNIT_EXPECT_EQ(test, areas[i].start % psize, 0);
		KUNIT_EXPECT_LE(test, areas[i].end, c->bar_size);
		KUNIT_EXPECT_TRUE(test, !(areas[i].end % psize) ||
				  areas[i].end == c->bar_size);
		/* Sorted, apart: a withheld page lies between two areas. */
		if (i)
			KUNIT_EXPECT_GT(test, areas[i].start, prev_end);
		prev_end = areas[i].end;
	}

	/* Every page is in exactly one area, or withheld, never both. */
	for (page = 0; page < c->bar_size; page += psize) {
		bool listed = false;

		for (i = 0; i < n; i++)
			if (page >= areas[i].start && page < areas[i].end)
				listed = true;
		KUNIT_EXPECT_NE_MSG(test, listed, ref_withheld(c, page),
				    "page %#llx, %lluK pages", page,
				    (1ULL << c->page_shift) >> 10);
	}
}

static void check_fwd_pages(struct kunit *test, const struct layout_case *c)
{
	u64 psize = 1ULL << c->page_shift;
	struct msixg_bar_layout l;
	unsigned int i, want = 0;
	u64 page, off;

	if (init_case(test, c, &l))
		return;
	KUNIT_ASSERT_LE(test, l.nr_fwd_pages, MSIXG_MAX_FWD_PAGES);
	for (i = 1; i < l.nr_fwd_pages; i++)
		KUNIT_EXPECT_LT(test, l.fwd_pages[i - 1], l.fwd_pages[i]);

	/* A page needs a mapping iff some byte of it is forwarded. */
	for (page = 0; page < c->bar_size; page += psize) {
		bool fwd = false;

		for (off = page; off < min(page + psize, c->bar_size); off++)
			if (ref_forwarded(ref_kind(c, off))) {
				fwd = true;
				break;
			}
		want += fwd;
		KUNIT_EXPECT_EQ_MSG(test, msixg_layout_fwd_index(&l, page) >= 0,
				    fwd, "page %#llx, %lluK pages", page,
				    (1ULL << c->page_shift) >> 10);
		if (fwd)
			KUNIT_EXPECT_EQ(test,
					l.fwd_pages[msixg_layout_fwd_index(&l, page + psize - 1)],
					page);
	}
	KUNIT_EXPECT_EQ(test, l.nr_fwd_pages, want);
}

/*
 * Walk [start, start + len) piece by piece: the pieces tile the range, each
 * byte gets the rule of the reference model, and forwarded pieces are the
 * widest naturally aligned accesses that stay within one rule.
 */
static void check_walk(struct kunit *test, const struct layout_case *c,
		       const struct msixg_bar_layout *l, u64 start, u64 len)
{
	u64 off = start, end = start + len, b;
	struct msixg_piece p;

	while (off < end) {
		msixg_layout_next_piece(l, off, end - off, &p);
		KUNIT_ASSERT_EQ(test, p.off, off);
		KUNIT_ASSERT_GT(test, p.len, 0);
		KUNIT_ASSERT_LE(test, p.len, end - off);

		for (b = off; b < off + p.len; b++)
			if (ref_kind(c, b) != p.kind) {
				KUNIT_FAIL(test,
					   "byte %#llx: kind %d, want %d (piece %#llx+%llu, %lluK pages)",
					   b, p.kind, ref_kind(c, b), off, p.len,
					   (1ULL << c->page_shift) >> 10);
				return;
			}

		if (ref_forwarded(p.kind)) {
			u64 wider = p.len * 2;

			KUNIT_EXPECT_TRUE(test, is_power_of_2(p.len));
			KUNIT_EXPECT_LE(test, p.len, MSIXG_MAX_ACCESS);
			KUNIT_EXPECT_EQ(test, off % p.len, 0);
			/* Not widened although it could have been? */
			if (p.len < MSIXG_MAX_ACCESS && off % wider == 0 &&
			    off + wider <= end) {
				bool same = true;

				for (b = off; b < off + wider; b++)
					same &= ref_kind(c, b) == p.kind;
				KUNIT_EXPECT_FALSE_MSG(test, same,
						       "piece %#llx+%llu could be %llu wide",
						       off, p.len, wider);
			}
		} else {
			/* Table and core pieces run as far as their rule. */
			bool maximal = off + p.len == end ||
				       ref_kind(c, off + p.len) != p.kind;

			KUNIT_EXPECT_TRUE(test, maximal);
		}
		off += p.len;
	}
}

static void check_split(struct kunit *test, const struct layout_case *c)
{
	static const u64 lens[] = { 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 64,
				    4095, 4096, 4097 };
	struct msixg_bar_layout l;
	unsigned int i;
	u64 off, edges[8];

	if (init_case(test, c, &l))
		return;

	/* The whole BAR in one access. */
	check_walk(test, c, &l, 0, c->bar_size);

	/* Accesses of every awkward length at every edge of the layout. */
	edges[0] = c->table_off;
	edges[1] = c->table_off + c->table_len;
	edges[2] = c->pba_off;
	edges[3] = c->pba_off + c->pba_len;
	for (i = 0; i < 4; i++)
		edges[4 + i] = edges[i] & ~((1ULL << c->page_shift) - 1);

	for (i = 0; i < ARRAY_SIZE(edges); i++) {
		u64 e = edges[i];
		unsigned int j;

		for (off = e > 9 ? e - 9 : 0; off <= e + 9; off++)
			for (j = 0; j < ARRAY_SIZE(lens); j++)
				if (off < l.bar_size &&
				    lens[j] <= l.bar_size - off)
					check_walk(test, c, &l, off, lens[j]);
	}
}

/* Run @check on the case at every page size it asks for. */
static void at_each_page_size(struct kunit *test,
			      void (*check)(struct kunit *test,
					    const struct layout_case *c))
{
	const struct layout_case *param = test->param_value;
	struct layout_case c = *param;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(page_shifts); i++) {
		if (param->page_shift && param->page_shift != page_shifts[i])
			continue;
		c.page_shift = page_shifts[i];
		check(test, &c);
	}
}

static void msixg_layout_withheld_test(struct kunit *test)
{
	at_each_page_size(test, check_withheld);
}

static void msixg_layout_areas_test(struct kunit *test)
{
	at_each_page_size(test, check_areas);
}

static void msixg_layout_fwd_pages_test(struct kunit *test)
{
	at_each_page_size(test, check_fwd_pages);
}

static void msixg_layout_split_test(struct kunit *test)
{
	at_each_page_size(test, check_split);
}

/* ---- values written out by hand ---- */

struct exact_case {
	const char *name;
	struct layout_case layout;
	unsigned int nr_areas;
	struct msixg_span areas[MSIXG_MAX_AREAS];
	unsigned int nr_fwd;
	u64 fwd[MSIXG_MAX_FWD_PAGES];
};

static const struct exact_case exact_cases[] = {
	{ "megasas-gen2", { NULL, 0x4000, 0x2000, 0xf0, 0x3800, 8, 12 },
	  1, { { 0, 0x2000 } }, 2, { 0x2000, 0x3000 } },
	{ "qemu-xhci", { NULL, 0x4000, 0x3000, 0x100, 0x3800, 8, 12 },
	  1, { { 0, 0x3000 } }, 1, { 0x3000 } },
	{ "virtio-pci", { NULL, 0x1000, 0, 0x50, 0x800, 8, 12 },
	  0, {}, 1, { 0 } },
	{ "nvme", { NULL, 0x4000, 0x2000, 0x410, 0x3000, 16, 12 },
	  1, { { 0, 0x2000 } }, 2, { 0x2000, 0x3000 } },
	{ "e1000e", { NULL, 0x4000, 0, 0x50, 0x2000, 8, 12 },
	  2, { { 0x1000, 0x2000 }, { 0x3000, 0x4000 } }, 2, { 0, 0x2000 } },
	{ "2048 vectors, table pages need no map",
	  { NULL, 0x10000, 0, 0x8000, 0x8000, 0x100, 12 },
	  1, { { 0x9000, 0x10000 } }, 1, { 0x8000 } },
	{ "2048 vectors, 64K page", { NULL, 0x20000, 0, 0x8000, 0x8000, 0x100, 16 },
	  1, { { 0x10000, 0x20000 } }, 1, { 0 } },
	{ "table mid BAR, both sides mappable",
	  { NULL, 0x10000, 0x7010, 0x200, 0x7800, 8, 12 },
	  2, { { 0, 0x7000 }, { 0x8000, 0x10000 } }, 1, { 0x7000 } },
	{ "table over 9 pages", { NULL, 0x40000, 0x1ff0, 0x8000, 0x20000, 0x100, 12 },
	  3, { { 0, 0x1000 }, { 0xa000, 0x20000 }, { 0x21000, 0x40000 } }, 3,
	  { 0x1000, 0x9000, 0x20000 } },
	{ "PBA crossing a page", { NULL, 0x4000, 0, 0x2000, 0x2fc0, 0x100, 12 },
	  0, {}, 2, { 0x2000, 0x3000 } },
	{ "PBA only, 16K page", { NULL, 0x10000, 0, 0, 0x8000, 8, 14 },
	  2, { { 0, 0x8000 }, { 0xc000, 0x10000 } }, 1, { 0x8000 } },
};

static void exact_case_desc(const struct exact_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(exact, exact_cases, exact_case_desc);

static void msixg_layout_exact_test(struct kunit *test)
{
	const struct exact_case *c = test->param_value;
	struct msixg_span areas[MSIXG_MAX_AREAS];
	struct msixg_bar_layout l;
	unsigned int i, n;

	if (init_case(test, &c->layout, &l))
		return;

	n = msixg_layout_mmap_areas(&l, areas);
	KUNIT_ASSERT_EQ(test, n, c->nr_areas);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ(test, areas[i].start, c->areas[i].start);
		KUNIT_EXPECT_EQ(test, areas[i].end, c->areas[i].end);
	}

	KUNIT_ASSERT_EQ(test, l.nr_fwd_pages, c->nr_fwd);
	for (i = 0; i < l.nr_fwd_pages; i++)
		KUNIT_EXPECT_EQ(test, l.fwd_pages[i], c->fwd[i]);
}

/* ---- layouts that cannot be right ---- */

static const struct layout_case reject_cases[] = {
	{ "table beyond BAR end", 0x4000, 0x3f80, 0x100, 0x1000, 8, 12 },
	{ "table starts past BAR end", 0x1000, 0x2000, 0x10, 0, 8, 12 },
	{ "BAR not implemented", 0, 0, 0x10, 0x800, 8, 12 },
	{ "no MSI-X structure", 0x4000, 0, 0, 0, 0, 12 },
	{ "table larger than BAR", 0x1000, 0, 0x8000, 0, 0, 12 },
	{ "page size too small", 0x4000, 0, 0x10, 0x800, 8, 11 },
	{ "table and PBA overlap", 0x4000, 0x1000, 0x100, 0x1080, 8, 12 },
	{ "PBA inside table", 0x4000, 0x1000, 0x1000, 0x1800, 0x100, 12 },
	{ "page size too large", 0x4000, 0, 0x10, 0x800, 8, 40 },
};

KUNIT_ARRAY_PARAM(reject, reject_cases, layout_case_desc);

static void msixg_layout_reject_test(struct kunit *test)
{
	const struct layout_case *c = test->param_value;
	struct msixg_span table = { c->table_off, c->table_off + c->table_len };
	struct msixg_span pba = { c->pba_off, c->pba_off + c->pba_len };
	struct msixg_bar_layout l;
	const char *why;

	KUNIT_EXPECT_EQ(test, msixg_layout_init(&l, c->bar_size, c->page_shift,
						table, pba, &why), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, why);
	KUNIT_EXPECT_FALSE(test, msixg_layout_active(&l));
}

/* ---- a PBA past the end of its BAR: withheld where inside, else ignored ---- */

static void msixg_layout_pba_past_end_test(struct kunit *test)
{
	struct msixg_span none = {}, table = { 0x1000, 0x1100 };
	struct msixg_span pba = { 0x3ffc, 0x4004 };
	struct msixg_bar_layout l;
	const char *why;

	/* Partly inside: the page holding the part inside is withheld. */
	KUNIT_ASSERT_EQ(test, msixg_layout_init(&l, 0x4000, 12, table, pba, &why), 0);
	KUNIT_EXPECT_NOT_NULL(test, why);
	KUNIT_EXPECT_EQ(test, l.pba.start, 0x3ffc);
	KUNIT_EXPECT_EQ(test, l.pba.end, 0x4000);
	KUNIT_ASSERT_EQ(test, l.nr_withheld, 2);
	KUNIT_EXPECT_EQ(test, l.withheld[1].start, 0x3000);
	KUNIT_EXPECT_EQ(test, l.withheld[1].end, 0x4000);

	/* Wholly past the end (Chelsio T5 VFs): ignored, the table withheld. */
	pba = (struct msixg_span){ 0x8000, 0x8008 };
	KUNIT_ASSERT_EQ(test, msixg_layout_init(&l, 0x4000, 12, table, pba, &why), 0);
	KUNIT_EXPECT_NOT_NULL(test, why);
	KUNIT_EXPECT_TRUE(test, l.pba.start == l.pba.end);
	KUNIT_ASSERT_EQ(test, l.nr_withheld, 1);
	KUNIT_EXPECT_EQ(test, l.withheld[0].start, 0x1000);
	KUNIT_EXPECT_EQ(test, l.withheld[0].end, 0x2000);

	/* Alone in a BAR it lies beyond: nothing of that BAR is withheld. */
	KUNIT_ASSERT_EQ(test, msixg_layout_init(&l, 0x1000, 12, none, pba, &why), 0);
	KUNIT_EXPECT_NOT_NULL(test, why);
	KUNIT_EXPECT_FALSE(test, msixg_layout_active(&l));

	/* A layout that is right says nothing. */
	pba = (struct msixg_span){ 0x3000, 0x3008 };
	KUNIT_ASSERT_EQ(test, msixg_layout_init(&l, 0x4000, 12, table, pba, &why), 0);
	KUNIT_EXPECT_NULL(test, why);
}

/* ---- splits of single accesses, written out by hand (megasas-gen2) ---- */

struct split_case {
	const char *name;
	u64 off, len;
	unsigned int nr;
	struct msixg_piece want[6];
};

#define P(o, l, k)	{ o, l, MSIXG_##k }

static const struct split_case split_cases[] = {
	{ "adjacent dword after table", 0x20f0, 4, 1, { P(0x20f0, 4, ADJACENT) } },
	{ "adjacent qword", 0x20f8, 8, 1, { P(0x20f8, 8, ADJACENT) } },
	{ "adjacent byte", 0x2fff, 1, 1, { P(0x2fff, 1, ADJACENT) } },
	{ "unaligned qword", 0x20f1, 8, 4,
	  { P(0x20f1, 1, ADJACENT), P(0x20f2, 2, ADJACENT),
	    P(0x20f4, 4, ADJACENT), P(0x20f8, 1, ADJACENT) } },
	{ "unaligned word", 0x3003, 2, 2,
	  { P(0x3003, 1, ADJACENT), P(0x3004, 1, ADJACENT) } },
	{ "straddles table end", 0x20ec, 8, 2,
	  { P(0x20ec, 4, TABLE), P(0x20f0, 4, ADJACENT) } },
	{ "straddles table start", 0x1ffe, 4, 2,
	  { P(0x1ffe, 2, CORE), P(0x2000, 2, TABLE) } },
	{ "whole table", 0x2000, 0xf0, 1, { P(0x2000, 0xf0, TABLE) } },
	{ "PBA", 0x3800, 8, 1, { P(0x3800, 8, PBA) } },
	{ "straddles PBA start", 0x37fc, 8, 2,
	  { P(0x37fc, 4, ADJACENT), P(0x3800, 4, PBA) } },
	{ "straddles PBA end", 0x3806, 4, 2,
	  { P(0x3806, 2, PBA), P(0x3808, 2, ADJACENT) } },
	{ "core into withheld", 0x1ff8, 0x10, 2,
	  { P(0x1ff8, 8, CORE), P(0x2000, 8, TABLE) } },
	{ "last byte of BAR", 0x3fff, 1, 1, { P(0x3fff, 1, ADJACENT) } },
	{ "last qword of BAR", 0x3ff8, 8, 1, { P(0x3ff8, 8, ADJACENT) } },
	{ "from 0 to the table", 0, 0x2004, 2,
	  { P(0, 0x2000, CORE), P(0x2000, 4, TABLE) } },
};

static void split_case_desc(const struct split_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(split, split_cases, split_case_desc);

static void msixg_layout_split_exact_test(struct kunit *test)
{
	const struct split_case *c = test->param_value;
	const struct layout_case megasas = { NULL, 0x4000, 0x2000, TBL(15), 0x3800, PBA(15), 12 };
	struct msixg_bar_layout l;
	struct msixg_piece p;
	u64 off = c->off;
	unsigned int i;

	if (init_case(test, &megasas, &l))
		return;
	KUNIT_ASSERT_LE(test, c->off + c->len, l.bar_size);

	for (i = 0; i < c->nr; i++) {
		msixg_layout_next_piece(&l, off, c->off + c->len - off, &p);
		KUNIT_EXPECT_EQ_MSG(test, p.off, c->want[i].off, "piece %u", i);
		KUNIT_EXPECT_EQ_MSG(test, p.len, c->want[i].len, "piece %u", i);
		KUNIT_EXPECT_EQ_MSG(test, p.kind, c->want[i].kind, "piece %u", i);
		off += p.len;
	}
	KUNIT_EXPECT_EQ(test, off, c->off + c->len);
}

/* ---- which read()/write() calls msix-guard serves ---- */

struct traps_case {
	const char *name;
	u64 off, count;
	bool traps;
};

/* megasas-gen2's BAR1: pages 0x2000 (table) and 0x3000 (PBA) withheld. */
static const struct traps_case traps_cases[] = {
	{ "page 0", 0, 4, false },
	{ "last byte before the table's page", 0x1fff, 1, false },
	{ "runs into the table's page", 0x1ffc, 8, true },
	{ "table", 0x2000, 4, true },
	{ "adjacent register", 0x20f0, 4, true },
	{ "PBA", 0x3800, 8, true },
	{ "last byte", 0x3fff, 1, true },
	{ "whole BAR", 0, 0x4000, true },
	{ "runs past the end: cut there", 0x3ff0, 17, true },
	{ "starts at the end: the core's -EINVAL", 0x4000, 1, false },
	{ "empty in a withheld page: the core's 0", 0x2000, 0, false },
	{ "offset near U64_MAX", U64_MAX - 3, 4, false },
	{ "count that would wrap: cut at the end", 0x10, U64_MAX - 8, true },
	{ "U64_MAX both", U64_MAX, U64_MAX, false },
	{ "huge count from page 0", 0, SIZE_MAX, true },
};

/*
 * BARs smaller than a page: the last withheld page runs past the end, and
 * nothing past the end may be served (vfio-pci core's -EINVAL).
 */
static void msixg_layout_traps_small_bar_test(struct kunit *test)
{
	struct msixg_span table = { 0, 0x20 }, pba = { 0x800, 0x808 };
	struct msixg_bar_layout l;
	const char *why;

	/* A 4 KiB MSI-X-only BAR (virtio-pci's) with 16 KiB pages. */
	KUNIT_ASSERT_EQ(test, msixg_layout_init(&l, 0x1000, 14, table, pba,
						&why), 0);
	KUNIT_EXPECT_TRUE(test, msixg_layout_traps(&l, 0xffc, 4));
	KUNIT_EXPECT_TRUE(test, msixg_layout_traps(&l, 0xffc, 0x100));
	KUNIT_EXPECT_FALSE(test, msixg_layout_traps(&l, 0x1000, 4));
	KUNIT_EXPECT_FALSE(test, msixg_layout_traps(&l, 0x2000, 4));
	KUNIT_EXPECT_FALSE(test, msixg_layout_traps(&l, 0x3ffc, 4));

	/* A 2 KiB BAR with 4 KiB pages. */
	pba = (struct msixg_span){ 0x400, 0x408 };
	KUNIT_ASSERT_EQ(test, msixg_layout_init(&l, 0x800, 12, table, pba,
						&why), 0);
	KUNIT_EXPECT_TRUE(test, msixg_layout_traps(&l, 0x7fc, 4));
	KUNIT_EXPECT_FALSE(test, msixg_layout_traps(&l, 0x800, 4));
	KUNIT_EXPECT_FALSE(test, msixg_layout_traps(&l, 0xffc, 4));
}

static void traps_case_desc(const struct traps_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(traps, traps_cases, traps_case_desc);

static void msixg_layout_traps_test(struct kunit *test)
{
	const struct traps_case *c = test->param_value;
	const struct layout_case megasas = { NULL, 0x4000, 0x2000, TBL(15), 0x3800, PBA(15), 12 };
	struct msixg_bar_layout l;

	if (init_case(test, &megasas, &l))
		return;
	KUNIT_EXPECT_EQ(test, msixg_layout_traps(&l, c->off, c->count),
			c->traps);
}

static struct kunit_case msixg_layout_test_cases[] = {
	KUNIT_CASE_PARAM(msixg_layout_withheld_test, layout_gen_params),
	KUNIT_CASE_PARAM(msixg_layout_areas_test, layout_gen_params),
	KUNIT_CASE_PARAM(msixg_layout_fwd_pages_test, layout_gen_params),
	KUNIT_CASE_PARAM(msixg_layout_split_test, layout_gen_params),
	KUNIT_CASE_PARAM(msixg_layout_exact_test, exact_gen_params),
	KUNIT_CASE_PARAM(msixg_layout_reject_test, reject_gen_params),
	KUNIT_CASE(msixg_layout_pba_past_end_test),
	KUNIT_CASE_PARAM(msixg_layout_split_exact_test, split_gen_params),
	KUNIT_CASE_PARAM(msixg_layout_traps_test, traps_gen_params),
	KUNIT_CASE(msixg_layout_traps_small_bar_test),
	{}
};

static struct kunit_suite msixg_layout_test_suite = {
	.name = "msix_guard_layout",
	.test_cases = msixg_layout_test_cases,
};

kunit_test_suite(msixg_layout_test_suite);

/* For the whole module: layout_test.o and cache_test.o. */
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for msix-guard's layout and mapping cache");
MSIXG_IMPORT_KUNIT_NS;
