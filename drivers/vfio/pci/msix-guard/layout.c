// SPDX-License-Identifier: GPL-2.0-only
/*
 * msix-guard: layout of the withheld pages and splitting of trapped accesses.
 *
 * Userspace never gets a mapping of a page that holds any byte of the MSI-X
 * table or PBA.  Accesses to those pages come in through read()/write() and
 * are split here into pieces that each get exactly one rule: virtualize
 * (table), forward reads only (PBA), or forward (registers that share a page
 * with the table or PBA, which the PCIe spec forbids but real devices have).
 */
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/string.h>

#include "compat.h"
#include "layout.h"

static u64 page_down(const struct msixg_bar_layout *l, u64 off)
{
	return off & ~((1ULL << l->page_shift) - 1);
}

static u64 page_up(const struct msixg_bar_layout *l, u64 off)
{
	return page_down(l, off + (1ULL << l->page_shift) - 1);
}

static bool span_empty(const struct msixg_span *s)
{
	return s->start == s->end;
}

static bool span_has(const struct msixg_span *s, u64 off)
{
	return off >= s->start && off < s->end;
}

static const char *check_span(const struct msixg_span *s, u64 bar_size,
			      bool is_table)
{
	if (s->end > bar_size)
		return is_table ? "MSI-X table extends beyond the end of its BAR" :
				  "MSI-X PBA extends beyond the end of its BAR";
	return NULL;
}

static void add_withheld(struct msixg_bar_layout *l, const struct msixg_span *s)
{
	struct msixg_span pages;
	struct msixg_span *w = l->withheld;

	if (span_empty(s))
		return;

	pages.start = page_down(l, s->start);
	pages.end = page_up(l, s->end);

	if (l->nr_withheld == 0) {
		w[l->nr_withheld++] = pages;
		return;
	}

	/* Keep the spans sorted and merge the ones that touch or overlap. */
	if (pages.end < w[0].start) {
		w[1] = w[0];
		w[0] = pages;
		l->nr_withheld = 2;
	} else if (pages.start > w[0].end) {
		w[1] = pages;
		l->nr_withheld = 2;
	} else {
		w[0].start = min(w[0].start, pages.start);
		w[0].end = max(w[0].end, pages.end);
	}
}

static void add_fwd_page(struct msixg_bar_layout *l, u64 page)
{
	unsigned int i, n = l->nr_fwd_pages;

	for (i = 0; i < n; i++) {
		if (l->fwd_pages[i] == page)
			return;
		if (l->fwd_pages[i] > page)
			break;
	}
	memmove(&l->fwd_pages[i + 1], &l->fwd_pages[i],
		(n - i) * sizeof(l->fwd_pages[0]));
	l->fwd_pages[i] = page;
	l->nr_fwd_pages = n + 1;
}

/* Add @page unless every byte of it (within the BAR) is table. */
static void add_table_edge_page(struct msixg_bar_layout *l, u64 page)
{
	u64 page_end = min(page + (1ULL << l->page_shift), l->bar_size);

	if (page < l->table.start || page_end > l->table.end)
		add_fwd_page(l, page);
}

/**
 * msixg_layout_init() - compute the MSI-X view of one BAR
 * @l: the layout to fill
 * @bar_size: size of the BAR
 * @page_shift: log2 of the mmap page size (PAGE_SHIFT outside of tests)
 * @table: where the MSI-X table is in this BAR, empty if elsewhere; its
 *	start, from a 32-bit register, plus at most 32 KiB cannot wrap
 * @pba: where the PBA is in this BAR, empty if elsewhere; likewise
 * @why: set to a human-readable reason when the layout is rejected, or
 *	to a warning for a PBA that was (partly) ignored; NULL otherwise
 *
 * A PBA running past the end of its BAR is what some devices report
 * (Chelsio T5 VFs), and QEMU works around it: the part inside the BAR, if
 * any, is withheld, the rest ignored.  A table that does not fit its BAR
 * cannot be served safely and rejects the layout.
 *
 * Return: 0, or -EINVAL when the layout cannot be right.
 */
int msixg_layout_init(struct msixg_bar_layout *l, u64 bar_size,
		      unsigned int page_shift, struct msixg_span table,
		      struct msixg_span pba, const char **why)
{
	const char *err;

	memset(l, 0, sizeof(*l));
	*why = NULL;

	/*
	 * Pages of at least 4K keep every PBA (at most 256 bytes) within two
	 * pages, its head and tail: the only ones registered for forwarding.
	 */
	if (page_shift < 12 || page_shift > 32) {
		*why = "unsupported page size";
		return -EINVAL;
	}
	if (!bar_size) {
		*why = "BAR holding an MSI-X structure is not implemented";
		return -EINVAL;
	}
	err = check_span(&table, bar_size, true);
	if (!err && !span_empty(&pba) && pba.end > bar_size) {
		if (pba.start >= bar_size) {
			pba.start = 0;
			pba.end = 0;
			*why = "MSI-X PBA lies beyond the end of its BAR; ignored";
		} else {
			pba.end = bar_size;
			*why = "MSI-X PBA runs past the end of its BAR; withheld up to the end";
		}
	}
	if (!err)
		err = check_span(&pba, bar_size, false);
	if (!err && span_empty(&table) && span_empty(&pba) && !*why)
		err = "BAR holds no MSI-X structure";
	/* Each byte must have one rule; the spec forbids overlap anyway. */
	if (!err && !span_empty(&table) && !span_empty(&pba) &&
	    table.start < pba.end && pba.start < table.end)
		err = "MSI-X table and PBA overlap";
	if (err) {
		*why = err;
		return -EINVAL;
	}

	l->bar_size = bar_size;
	l->page_shift = page_shift;
	l->table = table;
	l->pba = pba;

	add_withheld(l, &l->table);
	add_withheld(l, &l->pba);

	/*
	 * Nothing withheld when the BAR's one structure was an ignored PBA.
	 * The last withheld page may run past the end of a BAR smaller than a
	 * page: the hull stops at the end, where vfio-pci core's -EINVAL
	 * begins.
	 */
	if (l->nr_withheld) {
		l->hull.start = l->withheld[0].start;
		l->hull.end = min(l->withheld[l->nr_withheld - 1].end, bar_size);
	}

	if (!span_empty(&table)) {
		add_table_edge_page(l, page_down(l, table.start));
		add_table_edge_page(l, page_down(l, table.end - 1));
	}
	if (!span_empty(&pba)) {
		add_fwd_page(l, page_down(l, pba.start));
		add_fwd_page(l, page_down(l, pba.end - 1));
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(msixg_layout_init);

/**
 * msixg_layout_mmap_areas() - the parts of the BAR userspace may mmap
 * @l: the layout
 * @areas: filled with up to %MSIXG_MAX_AREAS page-aligned spans, sorted
 *
 * Return: the number of areas; 0 when every page of the BAR is withheld.
 */
unsigned int msixg_layout_mmap_areas(const struct msixg_bar_layout *l,
				     struct msixg_span areas[MSIXG_MAX_AREAS])
{
	unsigned int i, n = 0;
	u64 prev = 0;

	for (i = 0; i < l->nr_withheld; i++) {
		if (l->withheld[i].start > prev) {
			areas[n].start = prev;
			areas[n].end = l->withheld[i].start;
			n++;
		}
		prev = l->withheld[i].end;
	}
	if (prev < l->bar_size) {
		areas[n].start = prev;
		areas[n].end = l->bar_size;
		n++;
	}
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(msixg_layout_mmap_areas);

/* Largest naturally aligned power of two <= MSIXG_MAX_ACCESS that fits. */
static u64 aligned_size(u64 off, u64 room)
{
	u64 size = MSIXG_MAX_ACCESS;

	while (size > 1 && ((off & (size - 1)) || size > room))
		size >>= 1;
	return size;
}

/**
 * msixg_layout_next_piece() - the first piece of an access
 * @l: the layout
 * @off: BAR offset of the access
 * @len: bytes left in the access, non-zero; must be inside the BAR
 * @piece: filled with the piece that starts at @off
 *
 * A piece never crosses the boundary of the table, the PBA or a withheld
 * span, so one rule covers all of it.  %MSIXG_CORE and %MSIXG_TABLE pieces
 * run as far as their rule does; pieces forwarded to the device are split
 * into naturally aligned accesses of at most %MSIXG_MAX_ACCESS bytes.
 */
void msixg_layout_next_piece(const struct msixg_bar_layout *l, u64 off,
			     u64 len, struct msixg_piece *piece)
{
	const struct msixg_span *w = NULL;
	u64 limit = off + len;
	unsigned int i;

	for (i = 0; i < l->nr_withheld; i++) {
		if (span_has(&l->withheld[i], off)) {
			w = &l->withheld[i];
			break;
		}
		if (l->withheld[i].start > off) {
			limit = min(limit, l->withheld[i].start);
			break;
		}
	}

	piece->off = off;
	if (!w) {
		piece->kind = MSIXG_CORE;
		piece->len = limit - off;
		return;
	}

	limit = min(limit, w->end);
	if (span_has(&l->table, off)) {
		piece->kind = MSIXG_TABLE;
		piece->len = min(limit, l->table.end) - off;
		return;
	}

	if (span_has(&l->pba, off)) {
		piece->kind = MSIXG_PBA;
		limit = min(limit, l->pba.end);
	} else {
		piece->kind = MSIXG_ADJACENT;
		if (l->table.start > off)
			limit = min(limit, l->table.start);
		if (l->pba.start > off)
			limit = min(limit, l->pba.start);
	}
	piece->len = aligned_size(off, limit - off);
}
EXPORT_SYMBOL_IF_KUNIT(msixg_layout_next_piece);
