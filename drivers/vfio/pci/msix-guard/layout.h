/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * msix-guard: where the MSI-X structures sit in a BAR, which pages are
 * withheld from userspace mmaps, and how a trapped access is split.
 *
 * Pure logic: no VFIO and no PCI includes, so KUnit runs it under UML.
 */
#ifndef MSIX_GUARD_LAYOUT_H
#define MSIX_GUARD_LAYOUT_H

#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/types.h>

/* A byte range [start, end) inside one BAR; empty when start == end. */
struct msixg_span {
	u64 start;
	u64 end;
};

/* At most the table's pages and the PBA's pages, when they are apart. */
#define MSIXG_MAX_WITHHELD	2
/* Before, between and after the withheld spans. */
#define MSIXG_MAX_AREAS		(MSIXG_MAX_WITHHELD + 1)
/* Head and tail page of the table and of the PBA. */
#define MSIXG_MAX_FWD_PAGES	4
/* Widest single access forwarded to the device. */
#define MSIXG_MAX_ACCESS	8

/* What a byte of a BAR is, as far as a trapped access is concerned. */
enum msixg_kind {
	MSIXG_CORE,	/* in no withheld page: vfio-pci core handles it */
	MSIXG_TABLE,	/* in the MSI-X table: virtualized, never reaches HW */
	MSIXG_PBA,	/* in the PBA: reads forwarded, writes dropped */
	MSIXG_ADJACENT,	/* other registers in a withheld page: forwarded */
};

/**
 * struct msixg_bar_layout - the MSI-X view of one BAR
 * @bar_size: size of the BAR in bytes
 * @page_shift: log2 of the page size that mmap works in
 * @table: the MSI-X table, empty when it is in another BAR
 * @pba: the PBA, empty when it is in another BAR
 * @withheld: page-aligned spans never mapped to userspace, sorted, merged
 * @nr_withheld: valid entries in @withheld; 0 means "not an MSI-X BAR"
 * @hull: from the first withheld byte to the last inside the BAR; empty
 *	without MSI-X
 * @fwd_pages: offsets of the pages that hold bytes to forward to the device,
 *	sorted and unique; pages wholly inside the table are not listed
 * @nr_fwd_pages: valid entries in @fwd_pages
 */
struct msixg_bar_layout {
	u64 bar_size;
	unsigned int page_shift;
	struct msixg_span table;
	struct msixg_span pba;
	struct msixg_span withheld[MSIXG_MAX_WITHHELD];
	unsigned int nr_withheld;
	struct msixg_span hull;
	u64 fwd_pages[MSIXG_MAX_FWD_PAGES];
	unsigned int nr_fwd_pages;
};

/**
 * struct msixg_piece - one part of a split access
 * @off: BAR offset of the piece
 * @len: length in bytes; for %MSIXG_PBA and %MSIXG_ADJACENT a naturally
 *	aligned 1, 2, 4 or 8
 * @kind: the rule that applies to every byte of the piece
 */
struct msixg_piece {
	u64 off;
	u64 len;
	enum msixg_kind kind;
};

int msixg_layout_init(struct msixg_bar_layout *l, u64 bar_size,
		      unsigned int page_shift, struct msixg_span table,
		      struct msixg_span pba, const char **why);

static inline bool msixg_layout_active(const struct msixg_bar_layout *l)
{
	return l->nr_withheld != 0;
}

/**
 * msixg_layout_overlaps_withheld() - does a range touch a withheld page?
 * @l: the layout
 * @off: first byte
 * @len: length, non-zero; [@off, @off + @len) must not wrap
 *
 * Inline: every read() and write() of an MSI-X BAR asks it first.
 *
 * Return: true when any byte of the range is in a withheld page.
 */
static inline bool
msixg_layout_overlaps_withheld(const struct msixg_bar_layout *l, u64 off,
			       u64 len)
{
	unsigned int i;

	for (i = 0; i < l->nr_withheld; i++)
		if (off < l->withheld[i].end && off + len > l->withheld[i].start)
			return true;
	return false;
}

/**
 * msixg_layout_traps() - is a read() or write() msix-guard's to serve?
 * @l: the layout of the BAR
 * @off: BAR offset of the access
 * @count: its length, as userspace passed it
 *
 * vfio-pci core does nothing for an empty access, fails one that starts at
 * or past the end of the BAR and cuts one that runs past it.  Those, and
 * every access that stays out of the withheld pages, are left to it.
 *
 * Return: true when the access, cut at the end of the BAR, reaches a
 * withheld page.
 */
static inline bool msixg_layout_traps(const struct msixg_bar_layout *l,
				      u64 off, u64 count)
{
	/*
	 * Clear of the hull, the common case, in a few instructions and
	 * nothing that can wrap.  Inside it, the hull ending at the end of
	 * the BAR at the latest, off is inside the BAR too.
	 */
	if (off >= l->hull.end ||
	    (off < l->hull.start && count <= l->hull.start - off))
		return false;
	return count &&
	       msixg_layout_overlaps_withheld(l, off,
					      min(count, l->bar_size - off));
}

unsigned int msixg_layout_mmap_areas(const struct msixg_bar_layout *l,
				     struct msixg_span areas[MSIXG_MAX_AREAS]);
void msixg_layout_next_piece(const struct msixg_bar_layout *l, u64 off,
			     u64 len, struct msixg_piece *piece);

/**
 * msixg_layout_fwd_index() - which forwarded page holds @off
 * @l: the layout
 * @off: BAR offset
 *
 * Inline: every forwarded piece asks it.
 *
 * Return: the index into @l->fwd_pages, or -ENOENT when @off is in no page
 * that holds anything to forward.
 */
static inline int msixg_layout_fwd_index(const struct msixg_bar_layout *l,
					 u64 off)
{
	u64 page = off & ~((1ULL << l->page_shift) - 1);
	unsigned int i;

	for (i = 0; i < l->nr_fwd_pages; i++)
		if (l->fwd_pages[i] == page)
			return i;
	return -ENOENT;
}

#endif /* MSIX_GUARD_LAYOUT_H */
