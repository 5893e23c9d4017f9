// SPDX-License-Identifier: GPL-2.0-only
/*
 * msix-guard: in-kernel microbenchmark of the mapping cache's lock, with a
 * fake backend, loaded in the `make bench` VM.  Not part of the driver.
 *
 * Reader throughput: trapped-access-shaped read sections (lock, look up the
 * page, read a byte, unlock) with one and with two concurrent readers on
 * different CPUs, for the cache as the driver takes it (inside a stand-in
 * for vfio-pci core's memory_lock, a plain rw_semaphore) and alone; side by
 * side, the same sections with a per-CPU rw semaphore instead (the earlier
 * design) and with no cache lock at all.
 *
 * Invalidation latency: one msixg_cache_invalidate() of a cache with a page
 * mapped, each after the lock has been idle for a while (an isolated
 * decode toggle), and the same for the per-CPU semaphore's writer side.
 */
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/cpumask.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/percpu-rwsem.h>
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

static unsigned int idle_ms = 50;
module_param(idle_ms, uint, 0444);
MODULE_PARM_DESC(idle_ms, "quiet time before each timed invalidation");

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

enum bench_mode {
	MEM_CACHE,	/* the driver: memory_lock, then the cache lock */
	MEM_PERCPU,	/* memory_lock, then a per-CPU rw semaphore */
	MEM_ONLY,	/* memory_lock alone: what the core's lock allows */
	CACHE_ONLY,	/* the cache lock alone */
	PERCPU_ONLY,	/* a per-CPU rw semaphore alone */
	NO_LOCK,	/* what two vCPUs give at all: the ceiling */
};

struct bench {
	struct msixg_cache cache;
	struct rw_semaphore mem;	/* stands in for vfio-pci's memory_lock */
	struct percpu_rw_semaphore pcpu; /* the alternative measured alongside */
	enum bench_mode mode;
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
			bool mem = b->mode <= MEM_ONLY;

			if (mem)
				down_read(&b->mem);
			switch (b->mode) {
			case MEM_CACHE:
			case CACHE_ONLY:
				msixg_cache_read_lock(&b->cache);
				if (!msixg_cache_get(&b->cache, 0, &io))
					(void)READ_ONCE(*(u8 __force *)io);
				msixg_cache_read_unlock(&b->cache);
				break;
			case MEM_PERCPU:
			case PERCPU_ONLY:
				percpu_down_read(&b->pcpu);
				io = READ_ONCE(b->cache.slots[0].va);
				if (io)
					(void)READ_ONCE(*(u8 __force *)io);
				percpu_up_read(&b->pcpu);
				break;
			case MEM_ONLY:
			case NO_LOCK:
				io = READ_ONCE(b->cache.slots[0].va);
				if (io)
					(void)READ_ONCE(*(u8 __force *)io);
				break;
			}
			if (mem)
				up_read(&b->mem);
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

static void report(struct bench *b, enum bench_mode mode, const char *name)
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
	pr_info("msix-guard-bench: %-44s %5llu ns %5llu.%02llux\n", name,
		div64_u64(NSEC_PER_SEC, one[n / 2] ?: 1),
		div64_u64(two[n / 2], one[n / 2] ?: 1),
		div64_u64(two[n / 2] * 100, one[n / 2] ?: 1) % 100);
}

#define NR_LAT 51

/*
 * Median and worst latency of one write-side section, each after @idle_ms
 * of quiet: what a lone decode toggle costs.  @cache: the cache's own
 * invalidation (with a page mapped); else the per-CPU semaphore's writer.
 */
static void report_latency(struct bench *b, bool cache, const char *name)
{
	static u64 lat[NR_LAT];
	void __iomem *io;
	unsigned int i;
	ktime_t t0;

	for (i = 0; i < NR_LAT; i++) {
		if (cache) {
			msixg_cache_read_lock(&b->cache);
			msixg_cache_get(&b->cache, 0, &io);
			msixg_cache_read_unlock(&b->cache);
		}
		msleep(idle_ms);
		t0 = ktime_get();
		if (cache) {
			msixg_cache_invalidate(&b->cache);
		} else {
			percpu_down_write(&b->pcpu);
			percpu_up_write(&b->pcpu);
		}
		lat[i] = ktime_to_ns(ktime_sub(ktime_get(), t0));
	}
	sort(lat, NR_LAT, sizeof(u64), cmp_u64, NULL);
	pr_info("msix-guard-bench: %-44s %7llu ns %9llu ns\n", name,
		lat[NR_LAT / 2], lat[NR_LAT - 1]);
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
	init_rwsem(&b->mem);
	ret = percpu_init_rwsem(&b->pcpu);
	if (ret)
		goto out_free;
	msixg_cache_init(&b->cache, &bench_ops, NULL, 64);
	ret = msixg_cache_add_slot(&b->cache, 0, 0);
	if (ret < 0)
		goto out_cache;

	pr_info("msix-guard-bench: %-44s %8s %6s\n",
		"read section: ns with 1 reader, 2 readers/1", "ns", "x");
	report(b, MEM_CACHE, "memory_lock + cache lock (the driver)");
	report(b, MEM_PERCPU, "memory_lock + per-CPU rwsem (earlier design)");
	report(b, MEM_ONLY, "memory_lock alone (the core's bound)");
	report(b, CACHE_ONLY, "cache lock alone");
	report(b, PERCPU_ONLY, "per-CPU rwsem alone");
	report(b, NO_LOCK, "no lock (the ceiling)");
	pr_info("msix-guard-bench: %-44s %10s %12s\n",
		"one isolated invalidation", "median", "worst");
	report_latency(b, true, "cache invalidation (the driver)");
	report_latency(b, false, "per-CPU rwsem writer (earlier design)");
	ret = 0;

	msixg_cache_invalidate(&b->cache);
out_cache:
	msixg_cache_destroy(&b->cache);
	percpu_free_rwsem(&b->pcpu);
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
