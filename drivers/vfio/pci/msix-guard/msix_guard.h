/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * msix-guard: vfio-pci variant driver that withholds the MSI-X pages of a
 * device from userspace mmaps and services the trapped accesses to them.
 */
#ifndef MSIX_GUARD_H
#define MSIX_GUARD_H

#include <linux/mutex.h>
#include <linux/nospec.h>
#include <linux/pci.h>
#include <linux/vfio_pci_core.h>

#include "cache.h"
#include "layout.h"

/**
 * struct msixg_device - one device bound to msix-guard
 * @core_device: the vfio-pci core device, first so the core can find it
 * @layout: MSI-X view of each standard BAR; inactive for BARs without MSI-X
 * @slot_base: cache slot of @layout[bar].fwd_pages[0]
 * @cmd_lock: see below
 * @cache: the mapped pages trapped accesses are forwarded through
 * @core_vm_ops: vfio-pci core's vm_ops for BAR mmaps, whose .fault the
 *	MSI-X BARs' own vm_ops call (see mapping.c)
 */
struct msixg_device {
	struct vfio_pci_core_device core_device;
	struct msixg_bar_layout layout[PCI_STD_NUM_BARS];
	u8 slot_base[PCI_STD_NUM_BARS];
	/*
	 * Serializes each change userspace can make to decode or power (config
	 * writes to the low byte of PCI_COMMAND or to PM_CTRL, low-power entry
	 * and exit) with the comparison of the state before and after it and
	 * the invalidation an edge needs, so every edge gets its own before
	 * the next change starts.  Outermost: taken before vfio-pci core's
	 * memory_lock.
	 */
	struct mutex cmd_lock;
	struct msixg_cache cache;
	const struct vm_operations_struct *core_vm_ops;
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
