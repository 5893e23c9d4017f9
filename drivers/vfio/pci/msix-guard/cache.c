// SPDX-License-Identifier: GPL-2.0-only
/*
 * msix-guard: the cache of pages that trapped accesses are forwarded through.
 *
 * Pages are mapped on first use.  Readers (accesses) share the lock and hold
 * it across the MMIO, so an invalidation, which takes it exclusively, waits
 * for every access in flight and no access ever uses a mapping from before
 * the latest invalidation.  Two readers may race to map the same page: the
 * first to install its mapping wins and the other unmaps its own copy.
 */
#include <linux/atomic.h>
#include <linux/errno.h>
#include <linux/bug.h>
#include <linux/lockdep.h>

#include "cache.h"
#include "compat.h"

/* Mappings held now; the caller keeps them from changing. */
static unsigned int msixg_cache_nr_mapped_locked(struct msixg_cache *c)
{
	unsigned int i, n = 0;

	for (i = 0; i < c->nr_slots; i++)
		if (READ_ONCE(c->slots[i].va))
			n++;
	return n;
}

/**
 * msixg_cache_init() - set up an empty cache
 * @c: the cache
 * @ops: the mapping backend
 * @priv: passed to @ops
 * @page_size: bytes per mapping
 */
void msixg_cache_init(struct msixg_cache *c, const struct msixg_cache_ops *ops,
		      void *priv, u64 page_size)
{
	init_rwsem(&c->lock);
	c->blocked = 0;
	c->nr_slots = 0;
	c->page_size = page_size;
	c->ops = ops;
	c->priv = priv;
}
EXPORT_SYMBOL_IF_KUNIT(msixg_cache_init);

/**
 * msixg_cache_destroy() - check that a cache is done with
 * @c: the cache, with nothing mapped
 */
void msixg_cache_destroy(struct msixg_cache *c)
{
	WARN_ON_ONCE(msixg_cache_nr_mapped_locked(c));
}
EXPORT_SYMBOL_IF_KUNIT(msixg_cache_destroy);

/**
 * msixg_cache_add_slot() - declare a page that accesses may be forwarded to
 * @c: the cache, not yet in use
 * @bar: BAR index
 * @page_off: BAR offset of the page
 *
 * Return: the slot index, or -ENOSPC.
 */
int msixg_cache_add_slot(struct msixg_cache *c, unsigned int bar,
			 u64 page_off)
{
	struct msixg_cache_slot *s;

	if (c->nr_slots >= MSIXG_CACHE_MAX_SLOTS)
		return -ENOSPC;
	s = &c->slots[c->nr_slots];
	s->va = NULL;
	s->bar = bar;
	s->page_off = page_off;
	return c->nr_slots++;
}
EXPORT_SYMBOL_IF_KUNIT(msixg_cache_add_slot);

/**
 * msixg_cache_map_slot() - map a slot's page, for msixg_cache_get()
 * @c: the cache, read-locked, not blocked
 * @slot: a valid slot with no mapping a moment ago
 * @va: set to the slot's mapping
 *
 * Return: 0 or -ENOMEM.
 */
int msixg_cache_map_slot(struct msixg_cache *c, unsigned int slot,
			 void __iomem **va)
{
	struct msixg_cache_slot *s = &c->slots[slot];
	void __iomem *mine, *theirs;

	lockdep_assert_held_read(&c->lock);

	mine = c->ops->map(c->priv, s->bar, s->page_off, c->page_size);
	if (!mine)
		return -ENOMEM;

	theirs = cmpxchg(&s->va, NULL, mine);
	if (theirs) {
		c->ops->unmap(c->priv, mine);
		*va = theirs;
	} else {
		*va = mine;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(msixg_cache_map_slot);

/*
 * Drop every mapping and apply @set/@clear to the block reasons, all under
 * the lock taken exclusively: this waits for the accesses in flight, and no
 * later access sees the old mappings.  Unmapping happens after the lock is
 * dropped.
 */
static unsigned int msixg_cache_update(struct msixg_cache *c,
				       unsigned int set, unsigned int clear)
{
	void __iomem *old[MSIXG_CACHE_MAX_SLOTS];
	unsigned int i, n = 0;

	down_write(&c->lock);
	for (i = 0; i < c->nr_slots; i++) {
		if (c->slots[i].va)
			old[n++] = c->slots[i].va;
		c->slots[i].va = NULL;
	}
	c->blocked = (c->blocked | set) & ~clear;
	up_write(&c->lock);

	for (i = 0; i < n; i++)
		c->ops->unmap(c->priv, old[i]);
	return n;
}

/**
 * msixg_cache_invalidate() - drop every mapping
 * @c: the cache
 *
 * Pages are mapped again, from scratch, by the next accesses.  The caller
 * has already kept accesses from overlapping the change that makes the
 * mappings stale (vfio-pci core's memory_lock around a decode or power
 * change): a page mapped while this runs is mapped after that change, so
 * when nothing is mapped there is nothing to wait for or drop.
 *
 * Return: how many mappings were dropped.
 */
unsigned int msixg_cache_invalidate(struct msixg_cache *c)
{
	unsigned int i;

	for (i = 0; i < c->nr_slots; i++)
		if (READ_ONCE(c->slots[i].va))
			return msixg_cache_update(c, 0, 0);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(msixg_cache_invalidate);

/**
 * msixg_cache_block() - drop every mapping and refuse accesses
 * @c: the cache
 * @reason: an MSIXG_BLOCK_* reason, kept until msixg_cache_unblock()
 *
 * Return: how many mappings were dropped.
 */
unsigned int msixg_cache_block(struct msixg_cache *c, unsigned int reason)
{
	return msixg_cache_update(c, reason, 0);
}
EXPORT_SYMBOL_IF_KUNIT(msixg_cache_block);

/**
 * msixg_cache_unblock() - drop every mapping and lift one reason
 * @c: the cache
 * @reason: the MSIXG_BLOCK_* reason; others still set keep blocking
 *
 * Return: how many mappings were dropped.
 */
unsigned int msixg_cache_unblock(struct msixg_cache *c, unsigned int reason)
{
	return msixg_cache_update(c, 0, reason);
}
EXPORT_SYMBOL_IF_KUNIT(msixg_cache_unblock);

/**
 * msixg_cache_nr_mapped() - how many slots hold a mapping right now
 * @c: the cache
 *
 * Return: the count, for tests and debugging.
 */
unsigned int msixg_cache_nr_mapped(struct msixg_cache *c)
{
	unsigned int n;

	down_read(&c->lock);
	n = msixg_cache_nr_mapped_locked(c);
	up_read(&c->lock);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(msixg_cache_nr_mapped);
