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
 * msixg_cache_init() - set up an empty cache, blocked as closed
 * @c: the cache
 * @ops: the mapping backend
 * @priv: passed to @ops
 * @page_size: bytes per mapping
 *
 * Return: 0 or -ENOMEM.
 */
int msixg_cache_init(struct msixg_cache *c, const struct msixg_cache_ops *ops,
		     void *priv, u64 page_size)
{
	c->blocked = MSIXG_BLOCK_CLOSED;
	c->nr_slots = 0;
	c->page_size = page_size;
	c->ops = ops;
	c->priv = priv;
	return percpu_init_rwsem(&c->lock);
}

/**
 * msixg_cache_destroy() - free what msixg_cache_init() allocated
 * @c: the cache, with nothing mapped; also fine after a failed or no init
 *	on zeroed memory
 */
void msixg_cache_destroy(struct msixg_cache *c)
{
	WARN_ON_ONCE(msixg_cache_nr_mapped_locked(c));
	percpu_free_rwsem(&c->lock);
}

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

void msixg_cache_read_lock(struct msixg_cache *c)
{
	percpu_down_read(&c->lock);
}

void msixg_cache_read_unlock(struct msixg_cache *c)
{
	percpu_up_read(&c->lock);
}

/**
 * msixg_cache_get() - the mapping of a slot, made now if needed
 * @c: the cache, read-locked by the caller for as long as @va is used
 * @slot: slot index from msixg_cache_add_slot()
 * @va: set to the mapping of the slot's page
 *
 * Return: 0; -EIO when the cache is blocked (closed, reset in progress);
 * -ENOMEM when the page cannot be mapped; -EINVAL for a bad slot.
 */
int msixg_cache_get(struct msixg_cache *c, unsigned int slot,
		    void __iomem **va)
{
	struct msixg_cache_slot *s;
	void __iomem *mine, *theirs;

	lockdep_assert_held_read(&c->lock);

	if (c->blocked)
		return -EIO;
	if (slot >= c->nr_slots)
		return -EINVAL;
	s = &c->slots[slot];

	*va = READ_ONCE(s->va);
	if (likely(*va))
		return 0;

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

/*
 * Drop every mapping and apply @set/@clear to the block reasons, all under
 * the lock taken exclusively: this waits for the accesses in flight, and no
 * later access sees the old mappings.  Unmapping happens after the lock is
 * dropped.
 */
static void msixg_cache_update(struct msixg_cache *c, unsigned int set,
			       unsigned int clear)
{
	void __iomem *old[MSIXG_CACHE_MAX_SLOTS];
	unsigned int i, n = 0;

	percpu_down_write(&c->lock);
	for (i = 0; i < c->nr_slots; i++) {
		if (c->slots[i].va)
			old[n++] = c->slots[i].va;
		c->slots[i].va = NULL;
	}
	c->blocked = (c->blocked | set) & ~clear;
	percpu_up_write(&c->lock);

	for (i = 0; i < n; i++)
		c->ops->unmap(c->priv, old[i]);
}

/**
 * msixg_cache_invalidate() - drop every mapping
 * @c: the cache
 *
 * Pages are mapped again, from scratch, by the next accesses.
 */
void msixg_cache_invalidate(struct msixg_cache *c)
{
	msixg_cache_update(c, 0, 0);
}

/**
 * msixg_cache_block() - drop every mapping and refuse accesses
 * @c: the cache
 * @reason: an MSIXG_BLOCK_* reason, kept until msixg_cache_unblock()
 */
void msixg_cache_block(struct msixg_cache *c, unsigned int reason)
{
	msixg_cache_update(c, reason, 0);
}

/**
 * msixg_cache_unblock() - drop every mapping and lift one reason
 * @c: the cache
 * @reason: the MSIXG_BLOCK_* reason; others still set keep blocking
 */
void msixg_cache_unblock(struct msixg_cache *c, unsigned int reason)
{
	msixg_cache_update(c, 0, reason);
}

/**
 * msixg_cache_nr_mapped() - how many slots hold a mapping right now
 * @c: the cache
 *
 * Return: the count, for tests and debugging.
 */
unsigned int msixg_cache_nr_mapped(struct msixg_cache *c)
{
	unsigned int n;

	percpu_down_read(&c->lock);
	n = msixg_cache_nr_mapped_locked(c);
	percpu_up_read(&c->lock);
	return n;
}
