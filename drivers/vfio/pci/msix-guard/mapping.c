// SPDX-License-Identifier: GPL-2.0-only
/*
 * msix-guard: what userspace may map.
 *
 * The layout of the MSI-X BARs is read from config space once, at probe.
 * From it: region info (a sparse-mmap capability listing what may be
 * mapped), mmap (refused when it reaches a withheld page) and, where the
 * kernel exports BAR ranges as DMA-bufs, the same filter on every exported
 * range.  The trapped read()/write() path is in trap.c.
 */
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "compat.h"
#include "msix_guard.h"

/*
 * Where one MSI-X structure is: its BAR and its span there.  Says why not
 * (pci_err() for the table, whose layout must be right;
 * pci_warn() for a PBA, which is then ignored, as QEMU does).
 */
static int msixg_bar_span(struct pci_dev *pdev, u32 reg, u64 size,
			  const char *what, bool is_table, unsigned int *bar,
			  struct msixg_span *span)
{
	const char *why = NULL;

	*bar = reg & PCI_MSIX_TABLE_BIR;
	if (*bar >= PCI_STD_NUM_BARS)
		why = "its BIR names no BAR";
	else if (!(pci_resource_flags(pdev, *bar) & IORESOURCE_MEM))
		why = "its BAR is not a memory BAR";
	if (why) {
		if (is_table)
			pci_err(pdev, "MSI-X %s: %s (BIR %u)\n", what, why, *bar);
		else
			pci_warn(pdev, "MSI-X %s: %s (BIR %u); ignored\n", what,
				 why, *bar);
		return -EINVAL;
	}
	span->start = reg & PCI_MSIX_TABLE_OFFSET;
	span->end = span->start + size;
	return 0;
}

/**
 * msixg_init_layout() - read the MSI-X capability and plan the withheld pages
 * @mdev: the device being probed
 *
 * Return: 0, also for a device without MSI-X or with a PBA that had to be
 * ignored (after a warning); -EINVAL for a layout that cannot be served
 * safely, after saying why.
 */
int msixg_init_layout(struct msixg_device *mdev)
{
	struct pci_dev *pdev = mdev->core_device.pdev;
	struct msixg_span none = {}, table, pba;
	unsigned int table_bar, pba_bar, bar, i;
	u32 table_reg, pba_reg;
	const char *why;
	u16 flags, nvec;
	int ret, slot;

	if (!pdev->msix_cap)
		return 0;

	pci_read_config_word(pdev, pdev->msix_cap + PCI_MSIX_FLAGS, &flags);
	pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_TABLE, &table_reg);
	pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_PBA, &pba_reg);
	nvec = (flags & PCI_MSIX_FLAGS_QSIZE) + 1;

	ret = msixg_bar_span(pdev, table_reg, nvec * PCI_MSIX_ENTRY_SIZE,
			     "table", true, &table_bar, &table);
	if (ret)
		return ret;
	if (msixg_bar_span(pdev, pba_reg, DIV_ROUND_UP(nvec, 64) * 8, "PBA",
			   false, &pba_bar, &pba)) {
		pba_bar = table_bar;
		pba = none;
	}

	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		struct msixg_bar_layout *l = &mdev->layout[bar];

		if (bar != table_bar && bar != pba_bar)
			continue;
		ret = msixg_layout_init(l, pci_resource_len(pdev, bar),
					PAGE_SHIFT,
					bar == table_bar ? table : none,
					bar == pba_bar ? pba : none, &why);
		if (ret) {
			pci_err(pdev, "BAR%u: %s\n", bar, why);
			return ret;
		}
		if (why)
			pci_warn(pdev, "BAR%u: %s\n", bar, why);

		mdev->slot_base[bar] = mdev->cache.nr_slots;
		for (i = 0; i < l->nr_fwd_pages; i++) {
			slot = msixg_cache_add_slot(&mdev->cache, bar,
						    l->fwd_pages[i]);
			if (slot < 0)
				return slot;
		}
	}
	return 0;
}

#ifdef MSIXG_HAVE_HUGE_FAULT
/*
 * vfio-pci core maps a BAR mmap with huge pages where it can.  Until the
 * stable fix "vfio/pci: Fallback huge faults for unaligned pfn" (not in
 * every 6.12.y) it mapped the whole huge block around an unaligned pfn,
 * which on an MSI-X BAR could reach a withheld page.  Never rely on it:
 * MSI-X BAR mappings get vm_ops without .huge_fault, so the mm faults them
 * in page by page through the core's own .fault, which maps just the
 * faulting page.
 */
static vm_fault_t msixg_mmap_fault(struct vm_fault *vmf)
{
	struct vfio_pci_core_device *vdev = vmf->vma->vm_private_data;
	struct msixg_device *mdev = msixg_from_vdev(&vdev->vdev);

	return READ_ONCE(mdev->core_vm_ops)->fault(vmf);
}

static const struct vm_operations_struct msixg_mmap_ops = {
	.fault = msixg_mmap_fault,
};

static void msixg_mmap_no_huge(struct msixg_device *mdev,
			       struct vm_area_struct *vma)
{
	/* The same for every mmap: the core's one vm_operations_struct. */
	WRITE_ONCE(mdev->core_vm_ops, vma->vm_ops);
	vma->vm_ops = &msixg_mmap_ops;
}
#else
static void msixg_mmap_no_huge(struct msixg_device *mdev,
			       struct vm_area_struct *vma)
{
}
#endif

int msixg_mmap(struct vfio_device *core_vdev, struct vm_area_struct *vma)
{
	struct msixg_device *mdev = msixg_from_vdev(core_vdev);
	unsigned int index = vma->vm_pgoff >> (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT);
	struct msixg_bar_layout *l = msixg_bar_layout(mdev, index);
	u64 start;
	int ret;

	if (!l)
		return vfio_pci_core_mmap(core_vdev, vma);

	/*
	 * A VMA is never empty, its offset in the region is below 2^40 and its
	 * length is bounded by the user address space: start + length cannot
	 * wrap.
	 */
	start = (u64)(vma->vm_pgoff &
		      ((1UL << (VFIO_PCI_OFFSET_SHIFT - PAGE_SHIFT)) - 1))
		<< PAGE_SHIFT;
	if (msixg_layout_overlaps_withheld(l, start,
					   vma->vm_end - vma->vm_start))
		return -EINVAL;
	ret = vfio_pci_core_mmap(core_vdev, vma);
	if (!ret)
		msixg_mmap_no_huge(mdev, vma);
	return ret;
}

/*
 * The MSI-X BAR whose region info msix-guard answers (one vfio-pci core
 * would report as mmappable), or NULL: the core answers for the rest.
 */
static struct msixg_bar_layout *msixg_sparse_bar(struct msixg_device *mdev,
						 u32 index)
{
	struct msixg_bar_layout *l = msixg_bar_layout(mdev, index);

	return l && mdev->core_device.bar_mmap_supported[l - mdev->layout] ?
	       l : NULL;
}

static int msixg_add_sparse_cap(const struct msixg_bar_layout *l,
				struct vfio_info_cap *caps, unsigned int *nr)
{
	struct msixg_span areas[MSIXG_MAX_AREAS];
	struct vfio_region_info_cap_sparse_mmap *sparse;
	unsigned int i;
	size_t size;
	int ret;

	*nr = msixg_layout_mmap_areas(l, areas);
	if (!*nr)
		return 0;

	size = struct_size(sparse, areas, *nr);
	sparse = kzalloc(size, GFP_KERNEL);
	if (!sparse)
		return -ENOMEM;
	sparse->header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
	sparse->header.version = 1;
	sparse->nr_areas = *nr;
	for (i = 0; i < *nr; i++) {
		sparse->areas[i].offset = areas[i].start;
		sparse->areas[i].size = areas[i].end - areas[i].start;
	}
	ret = vfio_info_add_capability(caps, &sparse->header, size);
	kfree(sparse);
	return ret;
}

/*
 * Region info of an MSI-X BAR: mmappable only in the areas of the sparse
 * list, and never MSIX_MAPPABLE.  A BAR whose every page is withheld is not
 * mmappable at all.  Sets offset, size and flags; the caller sets
 * VFIO_REGION_INFO_FLAG_CAPS when @caps is not empty.
 */
static int msixg_sparse_region_info(struct msixg_device *mdev,
				    const struct msixg_bar_layout *l,
				    struct vfio_region_info *info,
				    struct vfio_info_cap *caps)
{
	unsigned int nr_areas;
	int ret;

	ret = msixg_add_sparse_cap(l, caps, &nr_areas);
	if (ret)
		return ret;

	info->offset = VFIO_PCI_INDEX_TO_OFFSET(l - mdev->layout);
	info->size = l->bar_size;
	info->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	if (nr_areas)
		info->flags |= VFIO_REGION_INFO_FLAG_MMAP;
	return 0;
}

#ifdef MSIXG_HAVE_REGION_INFO_OP
int msixg_get_region_info_caps(struct vfio_device *core_vdev,
			       struct vfio_region_info *info,
			       struct vfio_info_cap *caps)
{
	struct msixg_device *mdev = msixg_from_vdev(core_vdev);
	struct msixg_bar_layout *l = msixg_sparse_bar(mdev, info->index);

	if (!l)
		return vfio_pci_ioctl_get_region_info(core_vdev, info, caps);
	return msixg_sparse_region_info(mdev, l, info, caps);
}

long msixg_ioctl(struct vfio_device *core_vdev, unsigned int cmd,
		 unsigned long arg)
{
	return vfio_pci_core_ioctl(core_vdev, cmd, arg);
}
#else
/* The whole ioctl, copied in and out as vfio core does it since 6.19. */
static long msixg_ioctl_get_region_info(struct msixg_device *mdev,
					unsigned long arg)
{
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_region_info __user *uarg = (void __user *)arg;
	struct vfio_info_cap caps = { .buf = NULL, .size = 0 };
	struct vfio_region_info info;
	struct msixg_bar_layout *l;
	int ret;

	if (copy_from_user(&info, uarg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;

	l = msixg_sparse_bar(mdev, info.index);
	if (!l)
		return vfio_pci_core_ioctl(&mdev->core_device.vdev,
					   VFIO_DEVICE_GET_REGION_INFO, arg);

	ret = msixg_sparse_region_info(mdev, l, &info, &caps);
	if (ret)
		goto out_free;

	if (caps.size) {
		info.flags |= VFIO_REGION_INFO_FLAG_CAPS;
		if (info.argsz < sizeof(info) + caps.size) {
			info.argsz = sizeof(info) + caps.size;
			info.cap_offset = 0;
		} else {
			vfio_info_cap_shift(&caps, sizeof(info));
			if (copy_to_user(uarg + 1, caps.buf, caps.size)) {
				ret = -EFAULT;
				goto out_free;
			}
			info.cap_offset = sizeof(info);
		}
	}
	if (copy_to_user(uarg, &info, minsz))
		ret = -EFAULT;
out_free:
	kfree(caps.buf);
	return ret;
}

long msixg_ioctl(struct vfio_device *core_vdev, unsigned int cmd,
		 unsigned long arg)
{
	/* Resets reach the cache through reset_prepare/reset_done. */
	if (cmd == VFIO_DEVICE_GET_REGION_INFO)
		return msixg_ioctl_get_region_info(msixg_from_vdev(core_vdev),
						   arg);
	return vfio_pci_core_ioctl(core_vdev, cmd, arg);
}
#endif

#ifdef MSIXG_HAVE_DMABUF
/*
 * DMA-buf export of BAR ranges (VFIO_DEVICE_FEATURE_DMA_BUF): offered as
 * stock vfio-pci offers it, except that no range may reach a withheld page,
 * which would hand the MSI-X table to a P2P importer.  The core has checked
 * each range for alignment and overflow before calling this.
 */
static int msixg_get_dmabuf_phys(struct vfio_pci_core_device *vdev,
				 struct p2pdma_provider **provider,
				 unsigned int region_index,
				 struct phys_vec *phys_vec,
				 struct vfio_region_dma_range *dma_ranges,
				 size_t nr_ranges)
{
	struct msixg_device *mdev = msixg_from_vdev(&vdev->vdev);
	struct msixg_bar_layout *l = msixg_bar_layout(mdev, region_index);
	size_t i;

	for (i = 0; l && i < nr_ranges; i++)
		if (msixg_layout_overlaps_withheld(l, dma_ranges[i].offset,
						   dma_ranges[i].length))
			return -EINVAL;
	return vfio_pci_core_get_dmabuf_phys(vdev, provider, region_index,
					     phys_vec, dma_ranges, nr_ranges);
}

const struct vfio_pci_device_ops msixg_pci_dev_ops = {
	.get_dmabuf_phys = msixg_get_dmabuf_phys,
};
#endif
