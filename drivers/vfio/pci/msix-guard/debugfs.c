// SPDX-License-Identifier: GPL-2.0-only
/*
 * msix-guard: per-device state and stats under debugfs, for the admin who
 * wants to see what the driver withholds and what the guest touches.
 *
 * /sys/kernel/debug/msix-guard/<BDF>/
 *   layout  per MSI-X BAR: size, table and PBA, withheld pages, the mmap
 *           areas userspace is told of, the pages accesses are forwarded to
 *   stats   trapped pieces by kind, bytes, errors, invalidations by reason,
 *           mappings now, and the adjacent registers accessed with counts
 *   reset   write anything to zero the stats (the adjacent registers seen
 *           keep their slots, at zero)
 *
 * The counters are per CPU, so counting costs a trapped access an
 * increment of a CPU-local line.  They count pieces as tried: one retried
 * after resuming a device from low power counts its first -EIO as well.
 * A reset records the sums as a base that later reads subtract: nothing
 * writes another CPU's counters.
 */
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/hash.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "msix_guard.h"

static struct dentry *msixg_debugfs_root;

int msixg_stats_init(struct msixg_device *mdev)
{
	mutex_init(&mdev->stats_lock);
	mdev->stats = alloc_percpu(struct msixg_stats);
	if (!mdev->stats) {
		mutex_destroy(&mdev->stats_lock);
		return -ENOMEM;
	}
	return 0;
}

void msixg_stats_free(struct msixg_device *mdev)
{
	free_percpu(mdev->stats);
	mutex_destroy(&mdev->stats_lock);
}

/**
 * msixg_stat_adjacent_slow() - count an access to an adjacent register
 * @mdev: the device
 * @key: BAR << 40 | offset, plus one
 * @slot: its hash, the first slot to probe
 *
 * A small open-addressing table, claimed slot by slot with cmpxchg: a
 * guest driver touches a handful of registers next to the table.  When
 * every slot holds another register the access is counted as overflow.
 * msixg_stat_adjacent() has already found @slot taken by another key or
 * free.
 */
void msixg_stat_adjacent_slow(struct msixg_device *mdev, s64 key,
			      unsigned int slot)
{
	unsigned int i;
	s64 seen;

	for (i = 0; i < MSIXG_ADJ_SLOTS; i++) {
		atomic64_t *k = &mdev->adj.key[(slot + i) % MSIXG_ADJ_SLOTS];

		seen = atomic64_read(k);
		if (!seen)
			seen = atomic64_cmpxchg(k, 0, key) ?: key;
		if (seen == key) {
			atomic64_inc(&mdev->adj.count[(slot + i) %
						      MSIXG_ADJ_SLOTS]);
			return;
		}
	}
	atomic64_inc(&mdev->adj.overflow);
}

/* The sums over every CPU, less the base of the last reset. */
static void msixg_stats_sum(struct msixg_device *mdev, struct msixg_stats *sum)
{
	const u64 *base = (const u64 *)&mdev->stats_base;
	u64 *out = (u64 *)sum;
	unsigned int cpu, i;

	lockdep_assert_held(&mdev->stats_lock);
	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const u64 *c = (const u64 *)per_cpu_ptr(mdev->stats, cpu);

		for (i = 0; i < sizeof(*sum) / sizeof(u64); i++)
			out[i] += READ_ONCE(c[i]);
	}
	for (i = 0; i < sizeof(*sum) / sizeof(u64); i++)
		out[i] -= base[i];
}

static const char *const msixg_reason_names[MSIXG_NR_INVAL_REASONS] = {
	[MSIXG_INVAL_DECODE] = "decode",
	[MSIXG_INVAL_POWER] = "power",
	[MSIXG_INVAL_LOW_POWER] = "low-power",
	[MSIXG_INVAL_RESET] = "reset",
	[MSIXG_INVAL_CLOSE] = "close",
};

static int msixg_stats_show(struct seq_file *m, void *unused)
{
	struct msixg_device *mdev = m->private;
	struct msixg_stats st;
	unsigned int i, w;
	s64 key;

	mutex_lock(&mdev->stats_lock);
	msixg_stats_sum(mdev, &st);
	mutex_unlock(&mdev->stats_lock);

	for (w = 0; w < 2; w++)
		seq_printf(m, "%-14s table %llu pba %llu adjacent %llu bytes %llu\n",
			   w ? "writes:" : "reads:", st.pieces[w][MSIXG_TABLE],
			   st.pieces[w][MSIXG_PBA], st.pieces[w][MSIXG_ADJACENT],
			   st.bytes[w]);
	seq_printf(m, "%-14s EIO %llu EFAULT %llu ENOMEM %llu other %llu\n",
		   "errors:", st.errors[MSIXG_ERR_EIO],
		   st.errors[MSIXG_ERR_EFAULT], st.errors[MSIXG_ERR_ENOMEM],
		   st.errors[MSIXG_ERR_OTHER]);
	seq_printf(m, "%-14s", "invalidations:");
	for (i = 0; i < MSIXG_NR_INVAL_REASONS; i++)
		seq_printf(m, " %s %llu", msixg_reason_names[i],
			   st.invalidations[i]);
	seq_printf(m, "\n%-14s %llu\n", "dropped:", st.dropped);
	seq_printf(m, "%-14s %u\n", "mapped:",
		   msixg_cache_nr_mapped(&mdev->cache));
	seq_puts(m, "adjacent registers accessed:\n");
	for (i = 0; i < MSIXG_ADJ_SLOTS; i++) {
		u64 n = atomic64_read(&mdev->adj.count[i]);

		key = atomic64_read(&mdev->adj.key[i]) - 1;
		if (key >= 0 && n)
			seq_printf(m, "  BAR%llu 0x%llx %llu\n", key >> 40,
				   key & GENMASK_ULL(39, 0), n);
	}
	if (atomic64_read(&mdev->adj.overflow))
		seq_printf(m, "  others %lld\n",
			   (s64)atomic64_read(&mdev->adj.overflow));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(msixg_stats);

static ssize_t msixg_reset_write(struct file *file, const char __user *buf,
				 size_t count, loff_t *ppos)
{
	struct msixg_device *mdev = file->private_data;
	struct msixg_stats now;
	unsigned int i;

	mutex_lock(&mdev->stats_lock);
	msixg_stats_sum(mdev, &now);
	for (i = 0; i < sizeof(now) / sizeof(u64); i++)
		((u64 *)&mdev->stats_base)[i] += ((u64 *)&now)[i];
	for (i = 0; i < MSIXG_ADJ_SLOTS; i++)
		atomic64_set(&mdev->adj.count[i], 0);
	atomic64_set(&mdev->adj.overflow, 0);
	mutex_unlock(&mdev->stats_lock);
	return count;
}

static const struct file_operations msixg_reset_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = msixg_reset_write,
	.llseek = noop_llseek,
};

static void msixg_show_span(struct seq_file *m, const char *what,
			    const struct msixg_span *s)
{
	if (s->start == s->end)
		seq_printf(m, "  %-10s none\n", what);
	else
		seq_printf(m, "  %-10s 0x%llx-0x%llx\n", what, s->start, s->end);
}

static int msixg_layout_show(struct seq_file *m, void *unused)
{
	struct msixg_device *mdev = m->private;
	struct msixg_span areas[MSIXG_MAX_AREAS];
	unsigned int bar, i, n;

	seq_printf(m, "page size: %lu\n", PAGE_SIZE);
	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		const struct msixg_bar_layout *l = &mdev->layout[bar];

		if (!msixg_layout_active(l))
			continue;
		seq_printf(m, "BAR%u: size 0x%llx\n", bar, l->bar_size);
		msixg_show_span(m, "table:", &l->table);
		msixg_show_span(m, "pba:", &l->pba);
		seq_printf(m, "  %-10s", "withheld:");
		for (i = 0; i < l->nr_withheld; i++)
			seq_printf(m, " 0x%llx-0x%llx", l->withheld[i].start,
				   l->withheld[i].end);
		/*
		 * What the sparse-mmap capability lists once the device is
		 * open, if vfio-pci core lets the BAR be mmapped at all.
		 */
		seq_printf(m, "\n  %-10s", "mmap:");
		n = msixg_layout_mmap_areas(l, areas);
		for (i = 0; i < n; i++)
			seq_printf(m, " 0x%llx-0x%llx", areas[i].start,
				   areas[i].end);
		seq_puts(m, n ? "" : " none");
		seq_printf(m, "\n  %-10s", "forwarded:");
		for (i = 0; i < l->nr_fwd_pages; i++)
			seq_printf(m, " 0x%llx", l->fwd_pages[i]);
		seq_puts(m, l->nr_fwd_pages ? "\n" : " none\n");
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(msixg_layout);

void msixg_debugfs_add(struct msixg_device *mdev)
{
	struct dentry *dir;

	if (IS_ERR_OR_NULL(msixg_debugfs_root))
		return;
	dir = debugfs_create_dir(pci_name(mdev->core_device.pdev),
				 msixg_debugfs_root);
	debugfs_create_file("layout", 0400, dir, mdev, &msixg_layout_fops);
	debugfs_create_file("stats", 0400, dir, mdev, &msixg_stats_fops);
	debugfs_create_file("reset", 0200, dir, mdev, &msixg_reset_fops);
	mdev->debugfs = dir;
}

void msixg_debugfs_remove(struct msixg_device *mdev)
{
	debugfs_remove_recursive(mdev->debugfs);
	mdev->debugfs = NULL;
}

void msixg_debugfs_init(void)
{
	msixg_debugfs_root = debugfs_create_dir("msix-guard", NULL);
}

void msixg_debugfs_exit(void)
{
	debugfs_remove_recursive(msixg_debugfs_root);
}
