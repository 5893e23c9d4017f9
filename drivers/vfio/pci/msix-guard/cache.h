/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * msix-guard: per-device cache of the mapped pages that trapped accesses are
 * forwarded through.
 *
 * VFIO-free: the mapping backend is a pair of callbacks
 * (pci_iomap_range()/pci_iounmap() in the driver, a poisoning fake in the
 * KUnit tests).
 */
#ifndef MSIX_GUARD_CACHE_H
#define MSIX_GUARD_CACHE_H

#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/lockdep.h>
#include <linux/rwsem.h>
#include <linux/types.h>

#include "layout.h"

/* Forwarded pages of up to two BARs: the table's and the PBA's. */
#define MSIXG_CACHE_MAX_SLOTS	(2 * MSIXG_MAX_FWD_PAGES)

/**
 * struct msixg_cache_ops - how the cache maps a page
 * @map: map @size bytes at @page_off of BAR @bar; may sleep; NULL on failure
 * @unmap: undo @map
 */
struct msixg_cache_ops {
	void __iomem *(*map)(void *priv, unsigned int bar, u64 page_off,
			     u64 size);
	void (*unmap)(void *priv, void __iomem *va);
};

/**
 * struct msixg_cache_slot - one page that may be forwarded to
 * @va: its mapping; NULL until first used after the last invalidation
 * @page_off: BAR offset of the page
 * @bar: BAR index
 */
struct msixg_cache_slot {
	void __iomem *va;
	u64 page_off;
	unsigned int bar;
};

/*
 * Why accesses may not go through the cache right now; set and cleared by
 * their own paths, and the cache is usable only when none is set.  (Memory
 * decode and power state are not among them: the glue checks those live,
 * under vfio-pci's memory_lock.  Nor is a closed device: nothing can access
 * it.)
 */
#define MSIXG_BLOCK_RESET	BIT(0)	/* between reset_prepare and reset_done */

/**
 * struct msixg_cache - lazily mapped pages of one device
 * @lock: see below
 * @blocked: MSIXG_BLOCK_* reasons set now; accesses need none
 * @nr_slots: valid entries in @slots, fixed after setup
 * @page_size: bytes per mapping
 * @slots: the pages
 * @ops: the mapping backend
 * @priv: passed to @ops
 */
struct msixg_cache {
	/*
	 * Guards @blocked and every @slots[].va: held shared across each
	 * forwarded access (mapping lookup and the MMIO itself), exclusively
	 * to invalidate.  Nests inside vfio-pci core's memory_lock.  A plain
	 * rw_semaphore: an invalidation, which a guest can trigger, must not
	 * wait for an RCU grace period as a per-CPU one's writer does, and
	 * every access already bounces memory_lock's cache line.
	 */
	struct rw_semaphore lock;
	unsigned int blocked;
	unsigned int nr_slots;
	u64 page_size;
	struct msixg_cache_slot slots[MSIXG_CACHE_MAX_SLOTS];
	const struct msixg_cache_ops *ops;
	void *priv;
};

void msixg_cache_init(struct msixg_cache *c, const struct msixg_cache_ops *ops,
		      void *priv, u64 page_size);
void msixg_cache_destroy(struct msixg_cache *c);
int msixg_cache_add_slot(struct msixg_cache *c, unsigned int bar,
			 u64 page_off);
int msixg_cache_map_slot(struct msixg_cache *c, unsigned int slot,
			 void __iomem **va);
unsigned int msixg_cache_invalidate(struct msixg_cache *c);
unsigned int msixg_cache_block(struct msixg_cache *c, unsigned int reason);
unsigned int msixg_cache_unblock(struct msixg_cache *c, unsigned int reason);
unsigned int msixg_cache_nr_mapped(struct msixg_cache *c);

/* Inline, as are msixg_cache_get()'s lookup: every forwarded access. */
static inline void msixg_cache_read_lock(struct msixg_cache *c)
{
	down_read(&c->lock);
}

static inline void msixg_cache_read_unlock(struct msixg_cache *c)
{
	up_read(&c->lock);
}

/**
 * msixg_cache_get() - the mapping of a slot, made now if needed
 * @c: the cache, read-locked by the caller for as long as @va is used
 * @slot: slot index from msixg_cache_add_slot()
 * @va: set to the mapping of the slot's page
 *
 * Return: 0; -EIO when the cache is blocked (a reset in progress);
 * -ENOMEM when the page cannot be mapped; -EINVAL for a bad slot.
 */
static inline int msixg_cache_get(struct msixg_cache *c, unsigned int slot,
				  void __iomem **va)
{
	lockdep_assert_held_read(&c->lock);

	if (c->blocked)
		return -EIO;
	if (slot >= c->nr_slots)
		return -EINVAL;
	*va = READ_ONCE(c->slots[slot].va);
	if (likely(*va))
		return 0;
	return msixg_cache_map_slot(c, slot, va);
}

#endif /* MSIX_GUARD_CACHE_H */
