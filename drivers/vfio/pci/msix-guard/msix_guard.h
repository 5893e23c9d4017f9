/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * msix-guard: vfio-pci variant driver that withholds the MSI-X pages of a
 * device from userspace mmaps and services the trapped accesses to them.
 */
#ifndef MSIX_GUARD_H
#define MSIX_GUARD_H

#include <linux/debugfs.h>
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/nospec.h>
#include <linux/pci.h>
#include <linux/vfio_pci_core.h>

#include "cache.h"
#include "layout.h"

/* Why the mapped pages were dropped (trace events and stats). */
enum msixg_inval_reason {
	MSIXG_INVAL_DECODE,	/* memory decode turned on or off */
	MSIXG_INVAL_POWER,	/* power state changed through PM_CTRL */
	MSIXG_INVAL_LOW_POWER,	/* VFIO low-power entry or exit */
	MSIXG_INVAL_RESET,	/* a reset began */
	MSIXG_INVAL_CLOSE,	/* the device was closed */
	MSIXG_NR_INVAL_REASONS
};

/* How trapped pieces failed, for the stats. */
enum msixg_err {
	MSIXG_ERR_EIO,		/* decode off, low power, a reset */
	MSIXG_ERR_EFAULT,	/* the user buffer */
	MSIXG_ERR_ENOMEM,	/* the page could not be mapped */
	MSIXG_ERR_OTHER,
	MSIXG_NR_ERRS
};

#define MSIXG_NR_KINDS		(MSIXG_ADJACENT + 1)
#define MSIXG_ADJ_SLOTS		64

/**
 * struct msixg_stats - one CPU's counters of a device (debugfs "stats")
 * @pieces: trapped pieces by direction (0 read, 1 write) and kind
 * @bytes: bytes of those pieces by direction
 * @errors: failed pieces by error
 * @invalidations: invalidations by reason
 * @dropped: mappings dropped by them
 */
struct msixg_stats {
	u64 pieces[2][MSIXG_NR_KINDS];
	u64 bytes[2];
	u64 errors[MSIXG_NR_ERRS];
	u64 invalidations[MSIXG_NR_INVAL_REASONS];
	u64 dropped;
};

/**
 * struct msixg_adj_counts - accesses per adjacent register, lock-free
 * @key: BAR << 40 | offset, plus one; 0 for a free slot
 * @count: accesses to it
 * @overflow: accesses to registers that found every slot taken
 */
struct msixg_adj_counts {
	atomic64_t key[MSIXG_ADJ_SLOTS];
	atomic64_t count[MSIXG_ADJ_SLOTS];
	atomic64_t overflow;
};

/**
 * struct msixg_device - one device bound to msix-guard
 * @core_device: the vfio-pci core device, first so the core can find it
 * @layout: MSI-X view of each standard BAR; inactive for BARs without MSI-X
 * @slot_base: cache slot of @layout[bar].fwd_pages[0]
 * @cmd_lock: see below
 * @cache: the mapped pages trapped accesses are forwarded through
 * @core_vm_ops: vfio-pci core's vm_ops for BAR mmaps, whose .fault the
 *	MSI-X BARs' own vm_ops call (see mapping.c)
 * @stats: per-CPU counters, NULL without debugfs
 * @stats_base: the sums at the last reset, subtracted when shown
 * @adj: accesses per adjacent register
 * @stats_lock: see below
 * @debugfs: the device's debugfs directory
 */
struct msixg_device {
	struct vfio_pci_core_device core_device;
	struct msixg_bar_layout layout[PCI_STD_NUM_BARS];
	u8 slot_base[PCI_STD_NUM_BARS];
	/*
	 * Serializes each change userspace can make to decode or power (config
	 * writes to the low byte of PCI_COMMAND or to PM_CTRL, low-power entry
	 * and exit) with the comparison of the state before and after it and
	 * the invalidation an edge needs, so every edge userspace makes gets
	 * its own before its next change starts.  (Runtime PM also moves the
	 * power state, outside this lock; accesses check it live under
	 * memory_lock.)  Outermost: taken before vfio-pci core's memory_lock.
	 */
	struct mutex cmd_lock;
	struct msixg_cache cache;
	const struct vm_operations_struct *core_vm_ops;
#ifdef CONFIG_DEBUG_FS
	struct msixg_stats __percpu *stats;
	struct msixg_stats stats_base;
	struct msixg_adj_counts adj;
	/* Serializes resets of the stats with their readers; stats_base. */
	struct mutex stats_lock;
	struct dentry *debugfs;
#endif
};

static inline struct msixg_device *
msixg_from_vdev(struct vfio_device *core_vdev)
{
	return container_of(core_vdev, struct msixg_device, core_device.vdev);
}

/* The layout of BAR @index when it holds MSI-X structures, or NULL. */
static inline struct msixg_bar_layout *
msixg_bar_layout(struct msixg_device *mdev, unsigned int index)
{
	struct msixg_bar_layout *l;

	if (index >= PCI_STD_NUM_BARS)
		return NULL;
	l = &mdev->layout[array_index_nospec(index, PCI_STD_NUM_BARS)];
	return msixg_layout_active(l) ? l : NULL;
}

/* debugfs.c: per-device state and stats under debugfs */
#ifdef CONFIG_DEBUG_FS
int msixg_stats_init(struct msixg_device *mdev);
void msixg_stats_free(struct msixg_device *mdev);
void msixg_debugfs_add(struct msixg_device *mdev);
void msixg_debugfs_remove(struct msixg_device *mdev);
void msixg_debugfs_init(void);
void msixg_debugfs_exit(void);
void msixg_stat_adjacent_slow(struct msixg_device *mdev, s64 key,
			      unsigned int slot);

/* Count an access to an adjacent register; see debugfs.c. */
static inline void msixg_stat_adjacent(struct msixg_device *mdev,
				       unsigned int bar, u64 off)
{
	s64 key = ((s64)bar << 40 | off) + 1;
	unsigned int slot = hash_64(key, ilog2(MSIXG_ADJ_SLOTS));

	/* The register's slot is usually the first one probed. */
	if (likely(atomic64_read(&mdev->adj.key[slot]) == key))
		atomic64_inc(&mdev->adj.count[slot]);
	else
		msixg_stat_adjacent_slow(mdev, key, slot);
}

static inline void msixg_stat_piece(struct msixg_device *mdev,
				    const struct msixg_piece *p, bool iswrite,
				    int ret)
{
	if (!ret) {
		this_cpu_inc(mdev->stats->pieces[iswrite][p->kind]);
		this_cpu_add(mdev->stats->bytes[iswrite], p->len);
	} else {
		this_cpu_inc(mdev->stats->errors[ret == -EIO ? MSIXG_ERR_EIO :
						 ret == -EFAULT ? MSIXG_ERR_EFAULT :
						 ret == -ENOMEM ? MSIXG_ERR_ENOMEM :
						 MSIXG_ERR_OTHER]);
	}
}

static inline void msixg_stat_invalidation(struct msixg_device *mdev,
					   enum msixg_inval_reason reason,
					   unsigned int dropped)
{
	this_cpu_inc(mdev->stats->invalidations[reason]);
	this_cpu_add(mdev->stats->dropped, dropped);
}
#else
static inline int msixg_stats_init(struct msixg_device *mdev) { return 0; }
static inline void msixg_stats_free(struct msixg_device *mdev) {}
static inline void msixg_debugfs_add(struct msixg_device *mdev) {}
static inline void msixg_debugfs_remove(struct msixg_device *mdev) {}
static inline void msixg_debugfs_init(void) {}
static inline void msixg_debugfs_exit(void) {}
static inline void msixg_stat_adjacent(struct msixg_device *mdev,
				       unsigned int bar, u64 off) {}
static inline void msixg_stat_piece(struct msixg_device *mdev,
				    const struct msixg_piece *p, bool iswrite,
				    int ret) {}
static inline void msixg_stat_invalidation(struct msixg_device *mdev,
					   enum msixg_inval_reason reason,
					   unsigned int dropped) {}
#endif

/* main.c: trace and count an invalidation that has just happened */
void msixg_note_invalidation(struct msixg_device *mdev,
			     enum msixg_inval_reason reason,
			     unsigned int dropped);

/* mapping.c: what userspace may map */
int msixg_init_layout(struct msixg_device *mdev);
int msixg_mmap(struct vfio_device *core_vdev, struct vm_area_struct *vma);
long msixg_ioctl(struct vfio_device *core_vdev, unsigned int cmd,
		 unsigned long arg);
int msixg_get_region_info_caps(struct vfio_device *core_vdev,
			       struct vfio_region_info *info,
			       struct vfio_info_cap *caps);
extern const struct vfio_pci_device_ops msixg_pci_dev_ops;

/* trap.c: the trapped read()/write() path */
extern const struct msixg_cache_ops msixg_ioremap_ops;
int msixg_claim_bars(struct msixg_device *mdev);
ssize_t msixg_read(struct vfio_device *core_vdev, char __user *buf,
		   size_t count, loff_t *ppos);
ssize_t msixg_write(struct vfio_device *core_vdev, const char __user *buf,
		    size_t count, loff_t *ppos);
int msixg_device_feature(struct vfio_device *core_vdev, u32 flags,
			 void __user *arg, size_t argsz);

#endif /* MSIX_GUARD_H */
