// SPDX-License-Identifier: GPL-2.0-only
/*
 * msix-guard: in-kernel microbenchmark of the mapping cache's lock, with a
 * fake backend, loaded in the `make bench` VM.  Measures the throughput of
 * trapped-access-shaped read sections (lock, look up the page, read a byte,
 * unlock) with one and with two concurrent readers on different CPUs, for
 * the cache's per-CPU rw semaphore and, side by side, for a plain
 * rw_semaphore and for no lock at all (what the CPUs give: the ceiling),
 * and prints the figures.  Not part of the driver.
 */
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/rwsem.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "cache.h"

static unsigned int ms = 400;
module_param(ms, uint, 0444);
MODULE_PARM_DESC(ms, "milliseconds per measurement");

static unsigned int rounds = 5;
module_param(rounds, uint, 0444);
MODULE_PARM_DESC(rounds, "measurements per configuration (median reported)");

static void __iomem *bench_map(void *priv, unsigned int bar, u64 page_off,
			       u64 size)
{
	void *page = kzalloc(64, GFP_KERNEL);

	return (void __force __iomem *)page;
}

static void bench_unmap(void *priv, void __iomem *va)
{
	kfree((void __force *)va);
}

static const struct msixg_cache_ops bench_ops = {
	.map = bench_map,
	.unmap = bench_unmap,
};

struct bench {
	struct msixg_cache cache;
	struct rw_semaphore plain;	/* the alternative measured alongside */
	enum { CACHE_LOCK, PLAIN_RWSEM, NO_LOCK } mode;
	atomic_t ready;
	ktime_t start, end;
};

struct reader {
	struct bench *b;
	u64 ops;
	struct completion done;
};

static int reader_fn(void *arg)
{
	struct reader *r = arg;
	struct bench *b = r->b;
	void __iomem *io;
	u64 ops = 0;

	atomic_inc(&b->ready);
	while (ktime_before(ktime_get(), b->start))
		cpu_relax();
	do {
		unsigned int i;

		for (i = 0; i < 256; i++) {
			switch (b->mode) {
			case CACHE_LOCK:
				msixg_cache_read_lock(&b->cache);
				if (!msixg_cache_get(&b->cache, 0, &io))
					(void)READ_ONCE(*(u8 __force *)io);
				msixg_cache_read_unlock(&b->cache);
				break;
			case PLAIN_RWSEM:
				down_read(&b->plain);
				io = READ_ONCE(b->cache.slots[0].va);
				if (io)
					(void)READ_ONCE(*(u8 __force *)io);
				up_read(&b->plain);
				break;
			case NO_LOCK:
				io = READ_ONCE(b->cache.slots[0].va);
				if (io)
					(void)READ_ONCE(*(u8 __force *)io);
				break;
			}
		}
		ops += 256;
	} while (ktime_before(ktime_get(), b->end));
	r->ops = ops;
	complete(&r->done);
	return 0;
}

/* Operations per second with @n readers, one per CPU. */
static u64 measure(struct bench *b, unsigned int n)
{
	struct reader r[2] = {};
	struct task_struct *t;
	u64 total = 0;
	unsigned int i;

	atomic_set(&b->ready, 0);
	b->start = ktime_add_ms(ktime_get(), 50);
	b->end = ktime_add_ms(b->start, ms);
	for (i = 0; i < n; i++) {
		r[i].b = b;
		init_completion(&r[i].done);
		t = kthread_create(reader_fn, &r[i], "msixg-bench/%u", i);
		if (IS_ERR(t))
			return 0;
		kthread_bind(t, cpumask_nth(i, cpu_online_mask));
		wake_up_process(t);
	}
	for (i = 0; i < n; i++) {
		wait_for_completion(&r[i].done);
		total += r[i].ops;
	}
	return div_u64(total * MSEC_PER_SEC, ms);
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static void report(struct bench *b, int mode, const char *name)
{
	u64 one[16], two[16];
	unsigned int i, n = min(rounds, 16U);

	b->mode = mode;
	/* Interleaved, so drift affects both alike. */
	for (i = 0; i < n; i++) {
		one[i] = measure(b, 1);
		two[i] = measure(b, 2);
	}
	sort(one, n, sizeof(u64), cmp_u64, NULL);
	sort(two, n, sizeof(u64), cmp_u64, NULL);
	pr_info("msix-guard-bench: %s: 1 reader %llu ops/s, 2 readers %llu ops/s, ratio %llu.%02llu\n",
		name, one[n / 2], two[n / 2], div64_u64(two[n / 2], one[n / 2] ?: 1),
		div64_u64(two[n / 2] * 100, one[n / 2] ?: 1) % 100);
}

static int __init msixg_bench_init(void)
{
	struct bench *b;
	int ret;

	if (num_online_cpus() < 2) {
		pr_err("msix-guard-bench: needs two CPUs\n");
		return -ENODEV;
	}
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	init_rwsem(&b->plain);
	ret = msixg_cache_init(&b->cache, &bench_ops, NULL, 64);
	if (ret)
		goto out_free;
	ret = msixg_cache_add_slot(&b->cache, 0, 0);
	if (ret < 0)
		goto out_cache;
	msixg_cache_unblock(&b->cache, MSIXG_BLOCK_CLOSED);

	report(b, CACHE_LOCK, "cache lock (percpu rwsem)");
	report(b, PLAIN_RWSEM, "plain rw_semaphore, for comparison");
	/* What two vCPUs give at all: the same section with no lock. */
	report(b, NO_LOCK, "no lock, the ceiling");
	ret = 0;

	msixg_cache_block(&b->cache, MSIXG_BLOCK_CLOSED);
out_cache:
	msixg_cache_destroy(&b->cache);
out_free:
	kfree(b);
	return ret;
}
module_init(msixg_bench_init);

static void __exit msixg_bench_exit(void)
{
}
module_exit(msixg_bench_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("msix-guard mapping cache lock microbenchmark");
