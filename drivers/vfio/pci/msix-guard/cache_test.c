// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for msix-guard's mapping cache, with a fake backend whose
 * "pages" are poisoned the moment they are unmapped.
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/list.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "cache.h"
#include "compat.h"

#define FAKE_PAGE	64
#define FAKE_LIVE	0x4c
#define FAKE_POISON	0x6b

/*
 * The fake backend: each map hands out a fresh page filled with FAKE_LIVE;
 * unmap fills it with FAKE_POISON.  Pages stay allocated until the test
 * ends (after the cache is torn down), so a stale access reads poison
 * instead of crashing.
 */
struct fake_page {
	struct list_head node;
	u8 data[FAKE_PAGE];
};

struct fake_backend {
	struct kunit *test;
	spinlock_t lock;		/* protects @pages */
	struct list_head pages;
	atomic_t maps;
	atomic_t unmaps;
	bool fail;
};

static void __iomem *fake_map(void *priv, unsigned int bar, u64 page_off,
			      u64 size)
{
	struct fake_backend *fb = priv;
	struct fake_page *pg;

	if (READ_ONCE(fb->fail))
		return NULL;
	pg = kmalloc(sizeof(*pg), GFP_KERNEL);
	if (!pg)
		return NULL;
	memset(pg->data, FAKE_LIVE, FAKE_PAGE);
	pg->data[0] = bar;
	pg->data[1] = page_off >> 12;
	spin_lock(&fb->lock);
	list_add(&pg->node, &fb->pages);
	spin_unlock(&fb->lock);
	atomic_inc(&fb->maps);
	return (void __force __iomem *)pg->data;
}

static void fake_unmap(void *priv, void __iomem *va)
{
	struct fake_backend *fb = priv;

	memset((void __force *)va, FAKE_POISON, FAKE_PAGE);
	atomic_inc(&fb->unmaps);
}

static void free_fake_pages(void *priv)
{
	struct fake_backend *fb = priv;
	struct fake_page *pg, *tmp;

	list_for_each_entry_safe(pg, tmp, &fb->pages, node)
		kfree(pg);
}

static const struct msixg_cache_ops fake_ops = {
	.map = fake_map,
	.unmap = fake_unmap,
};

/* As the driver's close does before its release: drop what is mapped. */
static void destroy_cache(void *c)
{
	msixg_cache_invalidate(c);
	msixg_cache_destroy(c);
}

static struct msixg_cache *new_cache(struct kunit *test,
				     struct fake_backend **fbp,
				     unsigned int nr_slots)
{
	struct msixg_cache *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct fake_backend *fb = kunit_kzalloc(test, sizeof(*fb), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, c);
	KUNIT_ASSERT_NOT_NULL(test, fb);
	fb->test = test;
	spin_lock_init(&fb->lock);
	INIT_LIST_HEAD(&fb->pages);
	/* Actions run in reverse: the cache goes first, then its pages. */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, free_fake_pages, fb), 0);
	msixg_cache_init(c, &fake_ops, fb, FAKE_PAGE);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, destroy_cache, c), 0);
	for (i = 0; i < nr_slots; i++)
		KUNIT_ASSERT_EQ(test, msixg_cache_add_slot(c, i & 1, i << 12), i);
	*fbp = fb;
	return c;
}

static int get(struct msixg_cache *c, unsigned int slot, u8 **va)
{
	void __iomem *io = NULL;
	int ret;

	msixg_cache_read_lock(c);
	ret = msixg_cache_get(c, slot, &io);
	msixg_cache_read_unlock(c);
	*va = (u8 __force *)io;
	return ret;
}

static void msixg_cache_lazy_test(struct kunit *test)
{
	struct fake_backend *fb;
	struct msixg_cache *c = new_cache(test, &fb, 4);
	u8 *a, *b;

	/* Nothing is mapped before the first access. */
	KUNIT_EXPECT_EQ(test, msixg_cache_nr_mapped(c), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&fb->maps), 0);
	KUNIT_ASSERT_EQ(test, get(c, 2, &a), 0);
	KUNIT_EXPECT_EQ(test, a[0], 0);		/* bar */
	KUNIT_EXPECT_EQ(test, a[1], 2);		/* page */
	KUNIT_ASSERT_EQ(test, get(c, 2, &b), 0);
	KUNIT_EXPECT_PTR_EQ(test, a, b);
	KUNIT_EXPECT_EQ(test, atomic_read(&fb->maps), 1);
	KUNIT_EXPECT_EQ(test, msixg_cache_nr_mapped(c), 1);

	KUNIT_ASSERT_EQ(test, get(c, 3, &b), 0);
	KUNIT_EXPECT_EQ(test, b[0], 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&fb->maps), 2);
}

/*
 * A sequence of resets, invalidations (decode and power edges, close) and
 * accesses; a model of the block reasons says what each access must get.
 */
enum step { ACCESS, RESET_BEGIN, RESET_END, INVALIDATE, FAIL_MAPS, MAPS_WORK };

struct seq_case {
	const char *name;
	enum step steps[12];
	unsigned int nr;
};

static const struct seq_case seq_cases[] = {
	{ "access, invalidate, access", { ACCESS, INVALIDATE, ACCESS }, 3 },
	{ "invalidate with nothing mapped", { INVALIDATE, ACCESS, ACCESS }, 3 },
	{ "map failure leaves slot empty",
	  { FAIL_MAPS, ACCESS, MAPS_WORK, ACCESS, ACCESS }, 5 },
	{ "reset blocks until done",
	  { ACCESS, RESET_BEGIN, ACCESS, INVALIDATE, ACCESS, RESET_END, ACCESS }, 7 },
	{ "reset with nothing mapped", { RESET_BEGIN, RESET_END, ACCESS }, 3 },
	{ "double reset end", { ACCESS, RESET_BEGIN, RESET_END, RESET_END, ACCESS }, 5 },
	{ "toggle storm",
	  { INVALIDATE, INVALIDATE, ACCESS, RESET_BEGIN, INVALIDATE, RESET_END,
	    INVALIDATE, ACCESS, INVALIDATE, ACCESS, ACCESS }, 11 },
};

static void seq_case_desc(const struct seq_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(seq, seq_cases, seq_case_desc);

static void msixg_cache_sequence_test(struct kunit *test)
{
	const struct seq_case *sc = test->param_value;
	struct fake_backend *fb;
	struct msixg_cache *c = new_cache(test, &fb, 2);
	unsigned int blocked = 0;	/* the model */
	unsigned int dropped;
	bool fail = false, mapped = false;
	u8 *va, *prev = NULL;
	unsigned int i;
	int maps = 0, ret;

	for (i = 0; i < sc->nr; i++) {
		enum step st = sc->steps[i];

		switch (st) {
		case RESET_BEGIN:
		case RESET_END:
		case INVALIDATE:
			if (st == RESET_BEGIN) {
				dropped = msixg_cache_block(c, MSIXG_BLOCK_RESET);
				blocked |= MSIXG_BLOCK_RESET;
			} else if (st == RESET_END) {
				dropped = msixg_cache_unblock(c, MSIXG_BLOCK_RESET);
				blocked &= ~MSIXG_BLOCK_RESET;
			} else {
				dropped = msixg_cache_invalidate(c);
			}
			KUNIT_EXPECT_EQ_MSG(test, dropped, mapped ? 1 : 0,
					    "mappings dropped at step %u", i);
			if (mapped) {
				/* The old page was unmapped, after the lock. */
				KUNIT_EXPECT_EQ(test, prev[2], FAKE_POISON);
				mapped = false;
			}
			KUNIT_EXPECT_EQ(test, atomic_read(&fb->unmaps),
					atomic_read(&fb->maps));
			break;
		case FAIL_MAPS:
		case MAPS_WORK:
			fail = st == FAIL_MAPS;
			WRITE_ONCE(fb->fail, fail);
			break;
		case ACCESS:
			ret = get(c, 1, &va);
			if (blocked) {
				KUNIT_EXPECT_EQ_MSG(test, ret, -EIO, "step %u", i);
				break;
			}
			if (fail) {
				KUNIT_EXPECT_EQ_MSG(test, ret, -ENOMEM, "step %u", i);
				KUNIT_EXPECT_EQ(test, msixg_cache_nr_mapped(c), 0);
				break;
			}
			KUNIT_ASSERT_EQ_MSG(test, ret, 0, "step %u", i);
			KUNIT_EXPECT_EQ(test, va[2], FAKE_LIVE);
			if (!mapped)
				maps++;
			else
				KUNIT_EXPECT_PTR_EQ(test, va, prev);
			mapped = true;
			prev = va;
			break;
		}
		KUNIT_EXPECT_EQ_MSG(test, atomic_read(&fb->maps), maps,
				    "after step %u", i);
	}
}

static void msixg_cache_bad_slot_test(struct kunit *test)
{
	struct fake_backend *fb;
	struct msixg_cache *c = new_cache(test, &fb, MSIXG_CACHE_MAX_SLOTS);
	u8 *va;

	KUNIT_EXPECT_EQ(test, msixg_cache_add_slot(c, 0, 0), -ENOSPC);
	KUNIT_EXPECT_EQ(test, get(c, MSIXG_CACHE_MAX_SLOTS, &va), -EINVAL);
	KUNIT_EXPECT_EQ(test, get(c, UINT_MAX, &va), -EINVAL);
	KUNIT_EXPECT_EQ(test, atomic_read(&fb->maps), 0);
}

/*
 * Deterministic interleavings.  A reader kthread takes the lock, gets a page
 * and parks inside its read-side section until told to go on; meanwhile an
 * invalidation must stay blocked and the page must stay live, and a second
 * reader must get in alongside the first.
 */
struct parked {
	struct msixg_cache *c;
	struct completion inside, proceed, left;
	u8 *va;
	u8 seen;
};

static int parked_reader(void *data)
{
	struct parked *p = data;
	void __iomem *io = NULL;

	msixg_cache_read_lock(p->c);
	if (!msixg_cache_get(p->c, 0, &io))
		p->va = (u8 __force *)io;
	complete(&p->inside);
	wait_for_completion(&p->proceed);
	if (p->va)
		p->seen = READ_ONCE(p->va[2]);
	msixg_cache_read_unlock(p->c);
	complete(&p->left);
	return 0;
}

struct invalidator {
	struct msixg_cache *c;
	struct completion done;
};

static int invalidator_thread(void *data)
{
	struct invalidator *inv = data;

	msixg_cache_invalidate(inv->c);
	complete(&inv->done);
	return 0;
}

static struct parked *park_reader(struct kunit *test, struct msixg_cache *c)
{
	struct parked *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	p->c = c;
	init_completion(&p->inside);
	init_completion(&p->proceed);
	init_completion(&p->left);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(parked_reader, p,
						    "msixg-parked")));
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&p->inside, 10 * HZ));
	return p;
}

static void msixg_cache_exclusion_test(struct kunit *test)
{
	struct fake_backend *fb;
	struct msixg_cache *c = new_cache(test, &fb, 1);
	struct invalidator *inv = kunit_kzalloc(test, sizeof(*inv), GFP_KERNEL);
	struct parked *p;
	u8 *va;

	KUNIT_ASSERT_NOT_NULL(test, inv);
	p = park_reader(test, c);
	KUNIT_ASSERT_NOT_NULL(test, p->va);

	inv->c = c;
	init_completion(&inv->done);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(invalidator_thread, inv,
						    "msixg-invalidate")));
	/* The invalidation waits for the reader, and the page stays live. */
	KUNIT_EXPECT_EQ(test, wait_for_completion_timeout(&inv->done, HZ / 5), 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(p->va[2]), FAKE_LIVE);
	KUNIT_EXPECT_EQ(test, atomic_read(&fb->unmaps), 0);

	complete(&p->proceed);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&p->left, 10 * HZ));
	KUNIT_EXPECT_EQ(test, p->seen, FAKE_LIVE);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&inv->done, 10 * HZ));

	/* Now it is gone, and the next access maps a fresh page. */
	KUNIT_EXPECT_EQ(test, p->va[2], FAKE_POISON);
	KUNIT_ASSERT_EQ(test, get(c, 0, &va), 0);
	KUNIT_EXPECT_PTR_NE(test, va, p->va);
	KUNIT_EXPECT_EQ(test, va[2], FAKE_LIVE);
}

/*
 * An invalidation with nothing mapped has nothing to drop: it returns at
 * once, even while a reader (here one whose mapping failed) is inside.
 */
static void msixg_cache_empty_invalidate_test(struct kunit *test)
{
	struct fake_backend *fb;
	struct msixg_cache *c = new_cache(test, &fb, 1);
	struct invalidator *inv = kunit_kzalloc(test, sizeof(*inv), GFP_KERNEL);
	struct parked *p;
	bool early;

	KUNIT_ASSERT_NOT_NULL(test, inv);
	WRITE_ONCE(fb->fail, true);
	p = park_reader(test, c);
	KUNIT_EXPECT_NULL(test, p->va);

	inv->c = c;
	init_completion(&inv->done);
	KUNIT_ASSERT_FALSE(test, IS_ERR(kthread_run(invalidator_thread, inv,
						    "msixg-invalidate")));
	early = wait_for_completion_timeout(&inv->done, HZ);
	KUNIT_EXPECT_TRUE_MSG(test, early, "waited for a reader with nothing mapped");

	complete(&p->proceed);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&p->left, 10 * HZ));
	if (!early)
		KUNIT_ASSERT_TRUE(test,
				  wait_for_completion_timeout(&inv->done, 10 * HZ));
	KUNIT_EXPECT_EQ(test, atomic_read(&fb->maps), 0);
}

static void msixg_cache_shared_test(struct kunit *test)
{
	struct fake_backend *fb;
	struct msixg_cache *c = new_cache(test, &fb, 1);
	struct parked *a, *b;

	a = park_reader(test, c);
	/* A second reader gets in while the first is still inside. */
	b = park_reader(test, c);
	KUNIT_EXPECT_PTR_EQ(test, a->va, b->va);
	KUNIT_EXPECT_EQ(test, atomic_read(&fb->maps), 1);
	complete(&a->proceed);
	complete(&b->proceed);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&a->left, 10 * HZ));
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&b->left, 10 * HZ));
}

/*
 * Stress: readers hammer the cache while an invalidator toggles it.  On one
 * CPU (UML) the interleavings are few; the parked cases above prove the
 * exclusion deterministically, this one looks for anything they missed.
 * Each reader, inside its read-side section, checks the page it got at the
 * start and again at the end (after a pause): a poisoned byte means it used
 * a mapping that an invalidation had already dropped.  The invalidator's
 * "decode" flag mirrors what the glue does with vfio-pci's memory_lock: it
 * is flipped under a model lock held shared by readers across the access,
 * so no reader may access while it is off.
 */
struct race {
	struct msixg_cache *c;
	struct rw_semaphore model_mem;	/* stands in for vfio-pci's memory_lock */
	bool decode;
	atomic_t stale, while_off, accesses;
	bool refused;
	atomic_t stop;
	struct completion readers_done;
	struct completion invalidator_done;
};

static int race_reader(void *data)
{
	struct race *r = data;
	unsigned int i = 0;
	void __iomem *io;
	u8 *va;

	while (!atomic_read(&r->stop)) {
		down_read(&r->model_mem);
		if (!r->decode) {
			up_read(&r->model_mem);
			WRITE_ONCE(r->refused, true);
			usleep_range(5, 20);
			continue;
		}
		msixg_cache_read_lock(r->c);
		if (!msixg_cache_get(r->c, i++ % r->c->nr_slots, &io)) {
			va = (u8 __force *)io;
			if (READ_ONCE(va[2]) != FAKE_LIVE)
				atomic_inc(&r->stale);
			if (!READ_ONCE(r->decode))
				atomic_inc(&r->while_off);
			/* Sleep with the page in use: invalidations must wait. */
			usleep_range(5, 20);
			if (READ_ONCE(va[FAKE_PAGE - 1]) != FAKE_LIVE)
				atomic_inc(&r->stale);
			atomic_inc(&r->accesses);
		}
		msixg_cache_read_unlock(r->c);
		up_read(&r->model_mem);
		cond_resched();
	}
	complete(&r->readers_done);
	return 0;
}

static int race_invalidator(void *data)
{
	struct race *r = data;
	unsigned int i;

	for (i = 0; i < 200; i++) {
		bool on = i & 1;

		down_write(&r->model_mem);
		r->decode = on;
		up_write(&r->model_mem);
		/*
		 * The glue invalidates after the core's config write returns:
		 * readers may get in between, and invalidation must wait for
		 * them.  Sleeping here lets them, even on one CPU.
		 */
		usleep_range(5, 20);
		msixg_cache_invalidate(r->c);
		usleep_range(5, 20);
		/* Now and then a reset, as reset_prepare/done bracket one. */
		if (i % 10 == 5) {
			msixg_cache_block(r->c, MSIXG_BLOCK_RESET);
			usleep_range(5, 20);
			msixg_cache_unblock(r->c, MSIXG_BLOCK_RESET);
		}
	}
	atomic_set(&r->stop, 1);
	complete(&r->invalidator_done);
	return 0;
}

static void msixg_cache_race_test(struct kunit *test)
{
	struct fake_backend *fb;
	struct race *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct task_struct *t[3];

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->c = new_cache(test, &fb, 4);
	init_rwsem(&r->model_mem);
	init_completion(&r->readers_done);
	init_completion(&r->invalidator_done);

	t[0] = kthread_run(race_reader, r, "msixg-reader0");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t[0]));
	t[1] = kthread_run(race_reader, r, "msixg-reader1");
	if (IS_ERR(t[1])) {
		atomic_set(&r->stop, 1);
		wait_for_completion(&r->readers_done);
		KUNIT_FAIL(test, "cannot start second reader");
		return;
	}
	t[2] = kthread_run(race_invalidator, r, "msixg-invalidator");
	if (IS_ERR(t[2]))
		atomic_set(&r->stop, 1);

	/* Each reader completes readers_done once. */
	wait_for_completion(&r->readers_done);
	wait_for_completion(&r->readers_done);
	KUNIT_ASSERT_FALSE(test, IS_ERR(t[2]));
	wait_for_completion(&r->invalidator_done);

	msixg_cache_invalidate(r->c);
	KUNIT_EXPECT_EQ(test, atomic_read(&r->stale), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&r->while_off), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&r->accesses), 0);
	KUNIT_EXPECT_TRUE(test, r->refused);
	/* Every mapping made, including the losers of install races, is gone. */
	KUNIT_EXPECT_EQ(test, atomic_read(&fb->maps), atomic_read(&fb->unmaps));
	kunit_info(test, "%d accesses, %d maps\n", atomic_read(&r->accesses),
		   atomic_read(&fb->maps));
}

static struct kunit_case msixg_cache_test_cases[] = {
	KUNIT_CASE(msixg_cache_lazy_test),
	KUNIT_CASE_PARAM(msixg_cache_sequence_test, seq_gen_params),
	KUNIT_CASE(msixg_cache_bad_slot_test),
	KUNIT_CASE(msixg_cache_exclusion_test),
	KUNIT_CASE(msixg_cache_empty_invalidate_test),
	KUNIT_CASE(msixg_cache_shared_test),
	KUNIT_CASE_SLOW(msixg_cache_race_test),
	{}
};

static struct kunit_suite msixg_cache_test_suite = {
	.name = "msix_guard_cache",
	.test_cases = msixg_cache_test_cases,
};

kunit_test_suite(msixg_cache_test_suite);
